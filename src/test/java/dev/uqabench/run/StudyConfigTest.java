package dev.uqabench.run;

import dev.uqabench.study.StudyConfig;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.UqaException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyConfigTest {

    @TempDir
    Path dir;

    private StudyConfig load(String yaml) throws Exception {
        return ConfigLoader.load(StudyConfig.quick(), Files.writeString(dir.resolve("s.yaml"), yaml), StudyConfig.class);
    }

    @Test
    void oneAtATimeVariesEachAxisAroundTheDefaults() throws Exception {
        StudyConfig s = load("""
                encoders: [sasrec, gru4rec]
                adapters: [meanpool, qformer]
                modes: [adapter_only]
                features: [text, ids]
                ladder: {encoder: sasrec, presets: [tiny, quickstart]}
                """);
        StudyConfig.Cell d = s.defaults();
        Set<String> names = s.cells().stream().map(c -> c.name(d)).collect(Collectors.toSet());
        assertEquals(Set.of("sasrec-meanpool", "gru4rec-meanpool", "sasrec-qformer", "sasrec-meanpool-idonly",
                "sasrec-meanpool-tiny"), names);
        assertEquals("sasrec-meanpool", s.cells().get(0).name(d));
    }

    @Test
    void fullDesignTakesTheProduct() throws Exception {
        StudyConfig s = load("""
                design: full
                encoders: [sasrec, gru4rec]
                adapters: [meanpool, qformer]
                modes: [adapter_only, adapter_and_encoder]
                features: [text]
                ladder: null
                """);
        assertEquals(8, s.cells().size());
    }

    @Test
    void unknownNamesFailNamingTheKey() throws Exception {
        for (String bad : List.of("encoders: [sasrec, bert4rec]\n", "adapters: [perceiver]\n", "features: [pixels]\n",
                "modes: [lora]\n", "ladder: {encoder: sasrec, presets: [tiny]}\n", "text_baselines: [0]\n",
                "base: {sources: {llm_dtype: fp8}}\n", "metric: recall@10\n")) {
            UqaException e = assertThrows(UqaException.class, () -> load(bad), bad);
            assertTrue(e.getMessage().contains("invalid value"), e.getMessage());
        }
        UqaException encoder = assertThrows(UqaException.class, () -> load("encoders: [sasrec, bert4rec]\n"));
        assertTrue(encoder.getMessage().contains("invalid value at 'encoders'"), encoder.getMessage());
        UqaException preset = assertThrows(UqaException.class, () -> load("preset: huge\n"));
        assertTrue(preset.getMessage().contains("invalid value at 'preset': encoder 'sasrec' has no preset 'huge'"),
                preset.getMessage());
        UqaException typo = assertThrows(UqaException.class, () -> load("encoder: [sasrec]\n"));
        assertTrue(typo.getMessage().contains("unknown key 'encoder'"), typo.getMessage());
    }

    @Test
    void theHeadlineMetricIsAnyReportedAccuracy() throws Exception {
        assertEquals("All tasks", load("design: full\n").metric());
        assertEquals("Interest perception", load("metric: Interest perception\n").metric());
        assertEquals("li", load("metric: li\n").metric());
    }

    @Test
    void aMissingLlmFolderFailsBeforeAnyWork() throws Exception {
        StudyConfig s = load("base: {sources: {llm_folder: /no/such/llm}}\n");
        UqaException e = assertThrows(UqaException.class,
                () -> new Pipeline(dir.resolve("run"), s.base(), false, Progress.silent()));
        assertTrue(e.getMessage().contains("sources.llm_folder"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("run")));
    }
}
