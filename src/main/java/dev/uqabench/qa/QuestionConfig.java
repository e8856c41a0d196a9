package dev.uqabench.qa;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.uqabench.base.ConfigException;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How questions are built. Keys in config files are the component names in snake_case
 * ({@code max_lookback}); the per-user counts are keyed by sub-task code ({@code test_per_user: {li: 2}}).
 *
 * @param lang             question language
 * @param maxLookback      direct-feature questions ask about one of the last {@code maxLookback}
 *                         clicks (0: any click), so that a text prompt of that many events holds the answer
 * @param recentWindow     clicks that count as "recent" for short-term interest
 * @param trajectoryWindow clicks per each of the three windows of an interest trajectory
 * @param alignmentPerUser questions per sub-task and user in the alignment set
 * @param testPerUser      questions per sub-task and user in the test set
 * @param validationFraction share of the held-out users whose questions are the validation set
 *                         (every choice, such as the best epoch, is made on them); the rest are test users
 * @param llmFraction      share of the training users whose questions train the built-in LLM only
 *                         (never the adapter); the pipeline sets it to 0 when the LLM is external
 * @param nouns            words for the item and its attributes (film, genre); {@link Nouns#DEFAULT} when not given
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record QuestionConfig(Lang lang, int maxLookback, int recentWindow, int trajectoryWindow,
                             @JsonSerialize(keyUsing = SubtaskCode.class) @JsonDeserialize(keyUsing = SubtaskKey.class)
                             Map<Subtask, Integer> alignmentPerUser,
                             @JsonSerialize(keyUsing = SubtaskCode.class) @JsonDeserialize(keyUsing = SubtaskKey.class)
                             Map<Subtask, Integer> testPerUser,
                             double validationFraction, double llmFraction,
                             @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultNouns.class)
                             Nouns nouns) {

    /** Half the held-out users validate, half test. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.5;
    /**
     * Share of training users given to the built-in LLM. Measured on the quickstart (3000 users, 1200
     * LLM steps): with half the training users the LLM's final_answer_loss_avg was 0.739 against 0.909
     * with all of them (a training loss: fewer distinct conversations are seen more often), so the
     * quickstart keeps its 3000 users; the alignment set halves to about 8,700 questions.
     */
    public static final double DEFAULT_LLM_FRACTION = 0.5;

    private static final String WHERE = "question config";

    public QuestionConfig {
        require(lang != null, "lang", "must be zh or en");
        require(maxLookback >= 0, "max_lookback", "must be >= 0 (0 = whole history), got " + maxLookback);
        require(recentWindow >= 1, "recent_window", "must be >= 1, got " + recentWindow);
        require(trajectoryWindow >= 1, "trajectory_window", "must be >= 1, got " + trajectoryWindow);
        alignmentPerUser = counts(alignmentPerUser, "alignment_per_user");
        testPerUser = counts(testPerUser, "test_per_user");
        require(validationFraction > 0 && validationFraction < 1, "validation_fraction",
                "must be in (0, 1) (some held-out users validate, the others test), got " + validationFraction);
        require(llmFraction >= 0 && llmFraction < 1, "llm_fraction", "must be in [0, 1), got " + llmFraction);
        nouns = nouns == null ? Nouns.DEFAULT : nouns;
    }

    /** The form without the user split (tests, older callers): both fractions at their defaults, the default nouns. */
    public QuestionConfig(Lang lang, int maxLookback, int recentWindow, int trajectoryWindow,
                          Map<Subtask, Integer> alignmentPerUser, Map<Subtask, Integer> testPerUser) {
        this(lang, maxLookback, recentWindow, trajectoryWindow, alignmentPerUser, testPerUser,
                DEFAULT_VALIDATION_FRACTION, DEFAULT_LLM_FRACTION, Nouns.DEFAULT);
    }

    /**
     * zh questions, last-20 lookback, windows of 10, one question per sub-task and user in the
     * alignment set; in the test set also one, except li (2: category and brand) and it (3 window
     * sizes): a test user's history admits only a few unambiguous li/it questions, and these two
     * would otherwise have too few test questions to judge.
     */
    public static QuestionConfig defaults() {
        Map<Subtask, Integer> test = new EnumMap<>(uniform(1));
        test.put(Subtask.LI, 2);
        test.put(Subtask.IT, 3);
        return new QuestionConfig(Lang.ZH, 20, 10, 10, uniform(1), test);
    }

    public QuestionConfig withLang(Lang newLang) {
        return new QuestionConfig(newLang, maxLookback, recentWindow, trajectoryWindow,
                alignmentPerUser, testPerUser, validationFraction, llmFraction, nouns);
    }

    /** The same config with another LLM share (0: an external LLM needs no training users). */
    public QuestionConfig withLlmFraction(double fraction) {
        return new QuestionConfig(lang, maxLookback, recentWindow, trajectoryWindow,
                alignmentPerUser, testPerUser, validationFraction, fraction, nouns);
    }

    /** The same questions worded with {@code newNouns} (e.g. {@code Nouns.of(DatasetInfo.read(dataDir))}). */
    public QuestionConfig withNouns(Nouns newNouns) {
        return new QuestionConfig(lang, maxLookback, recentWindow, trajectoryWindow,
                alignmentPerUser, testPerUser, validationFraction, llmFraction, newNouns);
    }

    /** The same count for every sub-task. */
    public static Map<Subtask, Integer> uniform(int count) {
        Map<Subtask, Integer> counts = new EnumMap<>(Subtask.class);
        for (Subtask subtask : Subtask.values()) {
            counts.put(subtask, count);
        }
        return counts;
    }

    /** Reads a JSON or YAML (.yaml/.yml) file; missing keys keep their defaults, unknown keys are an error. */
    public static QuestionConfig read(Path file) {
        return ConfigLoader.load(defaults(), file, QuestionConfig.class);
    }

    /** The keys {@link #fromTree} reads; the nouns only when they are not the defaults (as in manifests). */
    public Map<String, Object> toTree() {
        return Json.mapper().convertValue(this, Json.mapper().getTypeFactory()
                .constructMapType(java.util.LinkedHashMap.class, String.class, Object.class));
    }

    /** Builds from a parsed JSON/YAML tree of keys over {@link #defaults()} (errors name the key). */
    public static QuestionConfig fromTree(JsonNode root) {
        return ConfigLoader.fromTree(defaults(), root, QuestionConfig.class, WHERE);
    }

    private static Map<Subtask, Integer> counts(Map<Subtask, Integer> given, String key) {
        require(given != null, key, "missing (a count per sub-task code: df, mf, ip, ap, li, si, it)");
        Map<Subtask, Integer> counts = new EnumMap<>(Subtask.class);
        for (Subtask subtask : Subtask.values()) {
            Integer count = given.get(subtask);
            require(count != null, key + "." + subtask.code(), "missing (every sub-task needs a count)");
            require(count >= 0, key + "." + subtask.code(), "must be >= 0, got " + count);
            counts.put(subtask, count);
        }
        return Collections.unmodifiableMap(counts);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, WHERE, key, problem);
    }

    /** Writes a sub-task key as its code ({@code df}). */
    static final class SubtaskCode extends JsonSerializer<Subtask> {
        @Override
        public void serialize(Subtask subtask, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeFieldName(subtask.code());
        }
    }

    /** Reads a sub-task key from its code. */
    static final class SubtaskKey extends KeyDeserializer {
        @Override
        public Object deserializeKey(String code, DeserializationContext context) {
            return Subtask.fromCode(code);
        }
    }

    /** Leaves the default nouns out of written configs, so manifests of runs worded with them keep their form. */
    static final class DefaultNouns {
        @Override
        public boolean equals(Object value) {
            return Nouns.DEFAULT.equals(value);
        }

        @Override
        public int hashCode() {
            return Nouns.DEFAULT.hashCode();
        }
    }
}
