package dev.uqabench.qa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How questions are built. Keys in config files are the component names.
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
public record QuestionConfig(Lang lang, int maxLookback, int recentWindow, int trajectoryWindow,
                             Map<Subtask, Integer> alignmentPerUser, Map<Subtask, Integer> testPerUser,
                             double validationFraction, double llmFraction, Nouns nouns) {

    /** Half the held-out users validate, half test. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.5;
    /**
     * Share of training users given to the built-in LLM. Measured on the quickstart (3000 users, 1200
     * LLM steps): with half the training users the LLM's final_answer_loss_avg was 0.739 against 0.909
     * with all of them (a training loss: fewer distinct conversations are seen more often), so the
     * quickstart keeps its 3000 users; the alignment set halves to about 8,700 questions.
     */
    public static final double DEFAULT_LLM_FRACTION = 0.5;

    private static final List<String> KEYS = List.of("lang", "maxLookback", "recentWindow", "trajectoryWindow", "alignmentPerUser", "testPerUser", "validationFraction", "llmFraction", "nouns");

    public QuestionConfig {
        if (lang == null) {
            throw new UqaException("question config: 'lang' must be zh or en");
        }
        require(maxLookback >= 0, "maxLookback", "must be >= 0 (0 = whole history), got " + maxLookback);
        require(recentWindow >= 1, "recentWindow", "must be >= 1, got " + recentWindow);
        require(trajectoryWindow >= 1, "trajectoryWindow", "must be >= 1, got " + trajectoryWindow);
        alignmentPerUser = counts(alignmentPerUser, "alignmentPerUser");
        testPerUser = counts(testPerUser, "testPerUser");
        require(validationFraction > 0 && validationFraction < 1, "validationFraction",
                "must be in (0, 1) (some held-out users validate, the others test), got " + validationFraction);
        require(llmFraction >= 0 && llmFraction < 1, "llmFraction", "must be in [0, 1), got " + llmFraction);
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
        boolean yaml = file.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.ya?ml");
        ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read question config: " + e.getMessage(), e);
        }
        try {
            return fromTree(root == null ? mapper.createObjectNode() : root);
        } catch (UqaException e) {
            throw new UqaException(file + ": " + e.getMessage(), e);
        }
    }

    /** Jackson entry point (run configs embed this record): same rules as {@link #fromTree}. */
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    static QuestionConfig fromJson(JsonNode root) {
        return fromTree(root);
    }

    /** The file form: the keys {@link #fromTree} reads, sub-tasks by code. */
    @com.fasterxml.jackson.annotation.JsonValue
    public Map<String, Object> toTree() {
        Map<String, Object> tree = new java.util.LinkedHashMap<>();
        tree.put("lang", lang.code());
        tree.put("maxLookback", maxLookback);
        tree.put("recentWindow", recentWindow);
        tree.put("trajectoryWindow", trajectoryWindow);
        tree.put("alignmentPerUser", byCode(alignmentPerUser));
        tree.put("testPerUser", byCode(testPerUser));
        tree.put("validationFraction", validationFraction);
        tree.put("llmFraction", llmFraction);
        if (!nouns.equals(Nouns.DEFAULT)) {
            // only when declared, so manifests of runs worded with the defaults keep their hashes
            tree.put("nouns", nouns.toMap());
        }
        return tree;
    }

    private static Map<String, Integer> byCode(Map<Subtask, Integer> counts) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        counts.forEach((subtask, n) -> out.put(subtask.code(), n));
        return out;
    }

    /** Builds from a parsed JSON/YAML tree (errors name the key). */
    public static QuestionConfig fromTree(JsonNode root) {
        if (!root.isObject()) {
            throw new UqaException("question config must be an object of keys " + KEYS);
        }
        QuestionConfig base = defaults();
        Lang lang = base.lang();
        int maxLookback = base.maxLookback();
        int recentWindow = base.recentWindow();
        int trajectoryWindow = base.trajectoryWindow();
        Map<Subtask, Integer> alignment = base.alignmentPerUser();
        Map<Subtask, Integer> test = base.testPerUser();
        double validationFraction = base.validationFraction();
        double llmFraction = base.llmFraction();
        Nouns nouns = base.nouns();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "lang" -> {
                    if (!value.isTextual()) {
                        throw new UqaException("key 'lang' must be \"zh\" or \"en\", got " + value);
                    }
                    lang = Lang.fromCode(value.asText());
                }
                case "maxLookback" -> maxLookback = integer(key, value);
                case "recentWindow" -> recentWindow = integer(key, value);
                case "trajectoryWindow" -> trajectoryWindow = integer(key, value);
                case "alignmentPerUser" -> alignment = countsFromTree(key, value, alignment);
                case "testPerUser" -> test = countsFromTree(key, value, test);
                case "validationFraction" -> validationFraction = number(key, value);
                case "llmFraction" -> llmFraction = number(key, value);
                case "nouns" -> nouns = nounsFromTree(key, value);
                default -> throw new UqaException("unknown key '" + key + "' in question config (known: "
                        + String.join(", ", KEYS) + ")");
            }
        }
        return new QuestionConfig(lang, maxLookback, recentWindow, trajectoryWindow, alignment, test,
                validationFraction, llmFraction, nouns);
    }

    private static double number(String key, JsonNode value) {
        if (!value.isNumber()) {
            throw new UqaException("key '" + key + "' must be a number, got " + value);
        }
        return value.doubleValue();
    }

    private static Nouns nounsFromTree(String key, JsonNode value) {
        if (!value.isObject()) {
            throw new UqaException("key '" + key + "' must map item, category, brand, shop to nouns, got " + value);
        }
        Map<String, String> nouns = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new UqaException("key '" + key + "." + field.getKey() + "' must be a noun, got " + field.getValue());
            }
            nouns.put(field.getKey(), field.getValue().asText());
        }
        try {
            return Nouns.of(nouns);
        } catch (UqaException e) {
            throw new UqaException("question config: " + e.getMessage(), e);
        }
    }

    private static Map<Subtask, Integer> countsFromTree(String key, JsonNode value, Map<Subtask, Integer> defaults) {
        if (!value.isObject()) {
            throw new UqaException("key '" + key + "' must map sub-task codes (df, mf, ip, ap, li, si, it) to counts, got " + value);
        }
        Map<Subtask, Integer> counts = new EnumMap<>(defaults);
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Subtask subtask;
            try {
                subtask = Subtask.fromCode(field.getKey());
            } catch (IllegalArgumentException e) {
                throw new UqaException("key '" + key + "." + field.getKey() + "': " + e.getMessage());
            }
            counts.put(subtask, integer(key + "." + field.getKey(), field.getValue()));
        }
        return counts;
    }

    private static int integer(String key, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new UqaException("key '" + key + "' must be an integer, got " + value);
        }
        return value.intValue();
    }

    private static Map<Subtask, Integer> counts(Map<Subtask, Integer> given, String key) {
        if (given == null) {
            throw new UqaException("question config: '" + key + "' is missing");
        }
        Map<Subtask, Integer> counts = new EnumMap<>(Subtask.class);
        for (Subtask subtask : Subtask.values()) {
            Integer count = given.get(subtask);
            require(count != null, key + "." + subtask.code(), "is missing");
            require(count >= 0, key + "." + subtask.code(), "must be >= 0, got " + count);
            counts.put(subtask, count);
        }
        return Collections.unmodifiableMap(counts);
    }

    private static void require(boolean condition, String key, String message) {
        if (!condition) {
            throw new UqaException("question config: '" + key + "' " + message);
        }
    }
}
