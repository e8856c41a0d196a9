package dev.uqabench.qa;

import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuestionConfigTest {

    @TempDir
    Path dir;

    @Test
    void yamlOverridesOnlyTheKeysItNames() throws IOException {
        Path file = dir.resolve("qa.yaml");
        Files.writeString(file, "lang: en\nrecent_window: 5\nalignment_per_user:\n  ip: 4\n");
        QuestionConfig config = QuestionConfig.read(file);
        assertEquals(Lang.EN, config.lang());
        assertEquals(5, config.recentWindow());
        assertEquals(20, config.maxLookback());
        assertEquals(4, config.alignmentPerUser().get(Subtask.IP));
        assertEquals(1, config.alignmentPerUser().get(Subtask.DF));
    }

    @Test
    void userSplitFractionsAreReadAndCheckedByKey() throws IOException {
        Path file = dir.resolve("split.yaml");
        Files.writeString(file, "validation_fraction: 0.3\nllm_fraction: 0.25\n");
        QuestionConfig config = QuestionConfig.read(file);
        assertEquals(0.3, config.validationFraction());
        assertEquals(0.25, config.llmFraction());
        assertEquals(config, QuestionConfig.fromTree(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(config.toTree())));
        Files.writeString(file, "validation_fraction: 1\n");
        UqaException e = assertThrows(UqaException.class, () -> QuestionConfig.read(file));
        assertTrue(e.getMessage().contains("'validation_fraction': must be in (0, 1)"), e.getMessage());
    }

    @Test
    void jsonWithAnUnknownKeyNamesTheFileAndTheKey() throws IOException {
        Path file = dir.resolve("qa.json");
        Files.writeString(file, "{\"lang\": \"zh\", \"recentWindw\": 5}");
        UqaException e = assertThrows(UqaException.class, () -> QuestionConfig.read(file));
        assertTrue(e.getMessage().startsWith("config file " + file + ": unknown key 'recentWindw'"), e.getMessage());
    }

    @Test
    void unknownSubtaskCodeAndBadValuesNameTheKey() throws IOException {
        Path file = dir.resolve("qa.json");
        Files.writeString(file, "{\"test_per_user\": {\"xx\": 1}}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("'test_per_user.xx'"));
        Files.writeString(file, "{\"trajectory_window\": 0}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("'trajectory_window': must be >= 1, got 0"));
        Files.writeString(file, "{\"max_lookback\": \"twenty\"}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("'max_lookback': must be an integer"));
        Files.writeString(file, "{\"lang\": \"fr\"}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("unknown language 'fr'"));
        Files.writeString(file, "{\"alignment_per_user\": {\"df\": -1}}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("'alignment_per_user.df': must be >= 0"));
    }

    @Test
    void countsMustCoverEverySubtask() {
        UqaException e = assertThrows(UqaException.class, () -> new QuestionConfig(Lang.ZH, 20, 10, 10,
                java.util.Map.of(Subtask.DF, 1), QuestionConfig.uniform(1)));
        assertTrue(e.getMessage().contains("'alignment_per_user.mf': missing"), e.getMessage());
    }
}
