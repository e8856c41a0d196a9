package dev.uqabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uqabench.base.ConfigException;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.Json;
import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.llm.TinyLlmConfig;
import dev.uqabench.study.StudyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One config dialect: snake_case keys and lower-case enum values, in config files and wherever a config is written. */
class ConfigDialectTest {

    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final Pattern ENUM_NAME = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+|[A-Z]{3,}");

    @TempDir
    Path dir;

    @Test
    void everyConfigRecordWritesSnakeCaseKeysAndLowerCaseValues() {
        List<String> offenders = new ArrayList<>();
        // the loader's tree (every key) and the manifests' tree (Json.mapper(), as stages write configs)
        check(ConfigLoader.toTree(StudyConfig.quick()), "", offenders);
        check(Json.mapper().valueToTree(StudyConfig.quick()), "", offenders);
        check(Json.mapper().valueToTree(RunConfig.quickstart().qa().withNouns(dev.uqabench.qa.Nouns.of(
                java.util.Map.of("item", "film")))), "qa", offenders);
        for (EncoderKind<?> kind : EncoderRegistry.kinds()) {
            kind.presets().forEach((name, preset) -> check(Json.mapper().valueToTree(preset), kind.name() + "." + name,
                    offenders));
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void everyShippedConfigLoads() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("configs"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                ConfigLoader.load(StudyConfig.quick(), file, StudyConfig.class);
            }
        }
    }

    @Test
    void oldSpellingsOfTheRunConfigFailNamingTheNewOnes() throws Exception {
        assertEquals(": unknown key 'pretrain.maxLength' \u2014 keys are snake_case now: 'pretrain.max_length'",
                runError("pretrain: {maxLength: 60}\n"));
        assertEquals(": unknown key 'llm.kvHeads' \u2014 keys are snake_case now: 'llm.kv_heads'",
                runError("llm:\n  kvHeads: 2\n"));
        assertEquals(": unknown key 'qa.validationFraction' \u2014 keys are snake_case now: 'qa.validation_fraction'",
                runError("qa: {validationFraction: 0.4}\n"));
        assertEquals(": unknown key 'textEvents' \u2014 keys are snake_case now: 'text_events'",
                runError("textEvents: [5]\n"));
        assertEquals(": unknown key 'sources.llmFolder' \u2014 keys are snake_case now: 'sources.llm_folder'",
                runError("sources: {llmFolder: /x}\n"));
        assertEquals(": invalid value at 'pretrain.loss': must be one of full_softmax, sampled_softmax, auto "
                + "(values are lower-case now), got \"SAMPLED_SOFTMAX\"", runError("pretrain: {loss: SAMPLED_SOFTMAX}\n"));
        assertEquals(": invalid value at 'align.mode': must be one of adapter_only, adapter_and_encoder "
                + "(values are lower-case now), got \"ADAPTER_ONLY\"", runError("align: {mode: ADAPTER_ONLY}\n"));
        assertEquals(": invalid value at 'answer_mode': must be one of letter, option_text, auto "
                + "(values are lower-case now), got \"LETTER\"", runError("answer_mode: LETTER\n"));
    }

    @Test
    void badValuesNameTheirSnakeCaseKeyWherever() throws Exception {
        assertEquals(": invalid value at 'pretrain.batch_size': must be positive, got -4",
                runError("pretrain: {batch_size: -4}\n"));
        assertEquals(": invalid value at 'llm.kv_heads': must be positive and divide heads 8, got 3",
                runError("llm: {kv_heads: 3}\n"));
        assertEquals(": invalid value at 'qa.test_per_user.li': must be >= 0, got -1",
                runError("qa: {test_per_user: {li: -1}}\n"));
        assertEquals(": invalid value at 'data.users': must be >= 1, got 0", runError("data: {users: 0}\n"));
        // a number beyond a double is infinity: refused for every key as YAML's .inf is, and by the records themselves
        assertEquals(": invalid value at 'llm.learning_rate': must be a finite number, got Infinity",
                runError("llm: {learning_rate: 1e400}\n"));
        assertEquals(": invalid value at 'qa.test_per_user.li': must be a finite number, got Infinity",
                runError("qa: {test_per_user: {li: 1e400}}\n"));
        assertEquals(": invalid value at 'text_events[1]': must be a finite number, got -Infinity",
                runError("text_events: [5, -1e400]\n"));
        TinyLlmConfig llm = RunConfig.quickstart().llm();
        ConfigException weight = assertThrows(ConfigException.class, () -> new TinyLlmConfig(llm.hiddenSize(),
                llm.layers(), llm.heads(), llm.kvHeads(), llm.intermediateSize(), llm.steps(), llm.batchSize(),
                llm.learningRate(), llm.warmupSteps(), Double.POSITIVE_INFINITY, llm.contextLengths(), llm.maxTokens(),
                llm.drills(), llm.batching()));
        assertEquals("answer_weight", weight.key());
        assertTrue(weight.getMessage().contains("must be positive and finite, got Infinity"), weight.getMessage());
        assertEquals(": invalid value at 'align.query_tokens': must be in [1, 512] (each soft token takes a place in the "
                + "LLM's context), got 100000000", runError("align: {adapter: qformer, query_tokens: 100000000}\n"));
        assertEquals(": invalid value at 'align.warmup_fraction': must be in [0, 1), got 1.0",
                runError("align: {warmup_fraction: 1}\n"));
        assertEquals(": invalid value at 'pretrain.preset': encoder 'sasrec' has no preset 'huge' (known: "
                        + String.join(", ", EncoderRegistry.kind("sasrec").presets().keySet()) + ")",
                runError("pretrain: {preset: huge}\n"));
        Path study = Files.writeString(dir.resolve("s.yaml"), "base:\n  pretrain: {batch_size: 0}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(StudyConfig.quick(), study, StudyConfig.class));
        assertEquals("config file " + study + ": invalid value at 'base.pretrain.batch_size': must be positive, got 0",
                e.getMessage());
        assertEquals("base.pretrain.batch_size", e.key());
    }

    /** The message of loading {@code yaml} as a run config, after "config file F". */
    /** A derived key follows its parent when the file sets only the parent; set, it is kept. */
    @Test
    void warmUpFollowsTheStepsUnlessSet() throws Exception {
        Path lone = Files.writeString(dir.resolve("lone.yaml"), "llm: {steps: 30}\n");
        RunConfig scaled = ConfigLoader.load(RunConfig.quickstart(), lone, RunConfig.class);
        assertEquals(30, scaled.llm().steps());
        assertEquals(Math.round(RunConfig.quickstart().llm().warmupSteps() * 30.0 / RunConfig.quickstart().llm().steps()),
                scaled.llm().warmupSteps());
        Path both = Files.writeString(dir.resolve("both.yaml"), "llm: {steps: 30, warmup_steps: 5}\n");
        assertEquals(5, ConfigLoader.load(RunConfig.quickstart(), both, RunConfig.class).llm().warmupSteps());
        assertEquals(": invalid value at 'llm.warmup_steps': must be in [0, steps 30), got 40",
                runError("llm: {steps: 30, warmup_steps: 40}\n"));
    }

    /** Generated data is bounded before anything is written. */
    @Test
    void syntheticDataIsBoundedBeforeAnyWrite() throws Exception {
        String message = runError("data: {users: 2000000000}\n");
        assertTrue(message.startsWith(": invalid value at 'data.users': must be such that users × max_sequence_length"
                + " stays within 50000000 events"), message);
    }

    private String runError(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("r.yaml"), yaml);
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(RunConfig.quickstart(), file, RunConfig.class));
        String prefix = "config file " + file;
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage().substring(prefix.length());
    }

    private static void check(JsonNode node, String path, List<String> offenders) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                String key = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                if (!SNAKE.matcher(f.getKey()).matches()) {
                    offenders.add("key " + key);
                }
                check(f.getValue(), key, offenders);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path + "[" + i + "]", offenders);
            }
        } else if (node.isTextual() && ENUM_NAME.matcher(node.asText()).matches()) {
            offenders.add("value " + path + " = " + node.asText());
        }
    }
}
