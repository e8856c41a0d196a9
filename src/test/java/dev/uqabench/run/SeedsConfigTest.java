package dev.uqabench.run;

import dev.uqabench.study.StudyConfig;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.UqaException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code seeds} key of run and study configs. */
class SeedsConfigTest {

    @TempDir
    Path dir;

    private RunConfig run(String yaml) throws Exception {
        return ConfigLoader.load(RunConfig.quickstart(), Files.writeString(dir.resolve("r.yaml"), yaml), RunConfig.class);
    }

    private StudyConfig study(String yaml) throws Exception {
        return ConfigLoader.load(StudyConfig.quick(), Files.writeString(dir.resolve("s.yaml"), yaml), StudyConfig.class);
    }

    @Test
    void absentSeedsKeepOneRunSeededAsBefore() throws Exception {
        RunConfig config = run("seed: 7\n");
        assertNull(config.seeds());
        assertEquals(Arrays.asList((Integer) null), config.repetitions());
        assertNull(study("metric: li\n").run().seeds());
    }

    @Test
    void seedsAreAListOfIntegers() throws Exception {
        assertEquals(List.of(1, 2, 3), run("seeds: [1, 2, 3]\n").repetitions());
        StudyConfig s = study("seeds: [4, 5]\n");
        assertEquals(List.of(4, 5), s.run().seeds(), "the study's seeds reach its base run");
    }

    @Test
    void badSeedsFailNamingTheKey() throws Exception {
        for (String bad : List.of("seeds: []\n", "seeds: [1, 1]\n", "seeds: [a]\n", "seeds: 3\n", "seeds: [1, null]\n")) {
            UqaException e = assertThrows(UqaException.class, () -> run(bad), bad);
            assertTrue(e.getMessage().contains("seeds"), bad + " -> " + e.getMessage());
            UqaException s = assertThrows(UqaException.class, () -> study(bad), bad);
            assertTrue(s.getMessage().contains("seeds"), bad + " -> " + s.getMessage());
        }
        UqaException empty = assertThrows(UqaException.class, () -> run("seeds: []\n"));
        assertTrue(empty.getMessage().contains("non-empty list of integers"), empty.getMessage());
        UqaException typo = assertThrows(UqaException.class, () -> study("seed: [1, 2]\n"));
        assertTrue(typo.getMessage().contains("unknown key 'seed'"), typo.getMessage());
        UqaException both = assertThrows(UqaException.class, () -> study("seeds: [1, 2]\nbase: {seeds: [3]}\n"));
        assertTrue(both.getMessage().contains("top-level seeds"), both.getMessage());
    }

    @Test
    void theLearnedPromptIsNotAnAdapterChoice() {
        UqaException e = assertThrows(UqaException.class, () -> run("align: {adapter: learned_prompt}\n"));
        assertTrue(e.getMessage().contains("variant learned-prompt"), e.getMessage());
    }

    @Test
    void theQuickStudyRunsThreeSeeds() throws Exception {
        StudyConfig quick = ConfigLoader.load(StudyConfig.quick(), Path.of("configs/quick.yaml"), StudyConfig.class);
        assertEquals(List.of(1, 2, 3), quick.run().seeds());
        // the cells it dropped to fit 3 seeds in 30 minutes live in the scaling study
        StudyConfig scaling = ConfigLoader.load(StudyConfig.quick(), Path.of("configs/scaling.yaml"), StudyConfig.class);
        assertTrue(scaling.features().contains("ids") && scaling.ladder().presets().containsAll(List.of("mini", "small")));
        ConfigLoader.load(StudyConfig.quick(), Path.of("configs/paper.yaml"), StudyConfig.class);
    }
}
