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
        Files.writeString(file, "lang: en\nrecentWindow: 5\nalignmentPerUser:\n  ip: 4\n");
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
        Files.writeString(file, "validationFraction: 0.3\nllmFraction: 0.25\n");
        QuestionConfig config = QuestionConfig.read(file);
        assertEquals(0.3, config.validationFraction());
        assertEquals(0.25, config.llmFraction());
        assertEquals(config, QuestionConfig.fromTree(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(config.toTree())));
        Files.writeString(file, "validationFraction: 1\n");
        UqaException e = assertThrows(UqaException.class, () -> QuestionConfig.read(file));
        assertTrue(e.getMessage().contains("'validationFraction' must be in (0, 1)"), e.getMessage());
    }

    @Test
    void jsonWithAnUnknownKeyNamesTheFileAndTheKey() throws IOException {
        Path file = dir.resolve("qa.json");
        Files.writeString(file, "{\"lang\": \"zh\", \"recentWindw\": 5}");
        UqaException e = assertThrows(UqaException.class, () -> QuestionConfig.read(file));
        assertTrue(e.getMessage().startsWith(file + ": unknown key 'recentWindw'"), e.getMessage());
    }

    @Test
    void unknownSubtaskCodeAndBadValuesNameTheKey() throws IOException {
        Path file = dir.resolve("qa.json");
        Files.writeString(file, "{\"testPerUser\": {\"xx\": 1}}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("'testPerUser.xx'"));
        Files.writeString(file, "{\"trajectoryWindow\": 0}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("'trajectoryWindow' must be >= 1, got 0"));
        Files.writeString(file, "{\"maxLookback\": \"twenty\"}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("'maxLookback' must be an integer"));
        Files.writeString(file, "{\"lang\": \"fr\"}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("unknown language 'fr'"));
        Files.writeString(file, "{\"alignmentPerUser\": {\"df\": -1}}");
        assertTrue(assertThrows(UqaException.class, () -> QuestionConfig.read(file)).getMessage()
                .contains("'alignmentPerUser.df' must be >= 0"));
    }

    @Test
    void countsMustCoverEverySubtask() {
        UqaException e = assertThrows(UqaException.class, () -> new QuestionConfig(Lang.ZH, 20, 10, 10,
                java.util.Map.of(Subtask.DF, 1), QuestionConfig.uniform(1)));
        assertTrue(e.getMessage().contains("'alignmentPerUser.mf' is missing"), e.getMessage());
    }
}
