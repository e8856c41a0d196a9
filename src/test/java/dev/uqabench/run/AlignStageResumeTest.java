package dev.uqabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.align.AdapterCheckpoint;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.align.AlignTrainerState;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.Manifest;
import dev.uqabench.base.StopRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The align stage on a micro run: a stop request keeps its partial folder with the checkpoint of the step it stopped
 * at; the rerun says so, resumes, and ends with the adapter an uninterrupted stage makes, byte for byte, keeping none
 * of the resume state; a partial attempt of another config is not resumed.
 */
class AlignStageResumeTest {

    /** One micro run folder for both tests: data, questions, LLM and encoder made once; each test aligns its own. */
    @TempDir
    static Path dir;
    private static RunConfig config;
    private static Path run;
    private static Path pretrain;

    @BeforeAll
    static void frontStages() throws Exception {
        Path configFile = Files.writeString(dir.resolve("micro.yaml"), QuickstartEndToEndTest.MICRO);
        config = ConfigLoader.load(RunConfig.quickstart(), configFile, RunConfig.class);
        run = dir.resolve("run");
        pretrain = pipeline(Progress.silent()).pretrain(null, config.pretrain());
    }

    /** A pipeline over the run folder, its front stages reused. */
    private static Pipeline pipeline(Progress progress) {
        Pipeline pipeline = new Pipeline(run, config, false, progress);
        pipeline.front();
        return pipeline;
    }

    /** Progress lines, kept; the first that contains {@code stopOn} requests a stop, as SIGTERM would. */
    private static final class Lines extends PrintStream {
        final List<String> lines = new ArrayList<>();
        private final String stopOn;

        Lines(String stopOn) {
            super(new ByteArrayOutputStream());
            this.stopOn = stopOn;
        }

        @Override
        public void println(String line) {
            lines.add(line);
            if (stopOn != null && line.contains(stopOn) && !StopRequest.isRequested()) {
                StopRequest.request("SIGTERM", 143);
            }
        }

        boolean any(String part) {
            return lines.stream().anyMatch(l -> l.contains(part));
        }
    }

    @Test
    void aStoppedAlignmentResumesFromItsCheckpointAndEndsByteIdentical() throws Exception {
        Path uninterrupted = pipeline(Progress.silent()).align("a", pretrain, config.align());

        Lines stopping = new Lines("align (b): running");
        try {
            Pipeline stopped = pipeline(new Progress(stopping, false));
            assertThrows(StopRequest.Stopped.class, () -> stopped.align("b", pretrain, config.align()));
        } finally {
            StopRequest.clear();
        }
        Path partial = run.resolve("align").resolve(".b.partial");
        assertEquals(1, AlignTrainerState.find(partial.resolve(AlignStage.RESUME_FOLDER)).orElseThrow().step(),
                "the stop after step 1 left its checkpoint");

        Lines resuming = new Lines(null);
        Path resumed = pipeline(new Progress(resuming, false)).align("b", pretrain, config.align());
        assertTrue(resuming.any("align (b): resuming alignment from step 1 "), String.join("\n", resuming.lines));
        assertEquals(-1, Files.mismatch(uninterrupted.resolve(AdapterCheckpoint.WEIGHTS),
                resumed.resolve(AdapterCheckpoint.WEIGHTS)), "the resumed adapter differs");
        assertFalse(Files.exists(resumed.resolve(AlignStage.RESUME_FOLDER)), "the resume state is gone");
        assertTrue(Manifest.read(resumed).outputs().keySet().stream().noneMatch(f -> f.startsWith(AlignStage.RESUME_FOLDER)));
        assertEquals(1, ((Number) Manifest.read(resumed).metrics().get("resumed_from_step")).intValue());
        assertFalse(Files.exists(partial));
    }

    @Test
    void theInterruptedAttemptOfAnotherConfigIsNotResumed() throws Exception {
        AlignConfig other = config.align().withCheckpointEvery(1);
        Pipeline stopped = pipeline(new Progress(new Lines("align (c): running"), false));
        try {
            assertThrows(StopRequest.Stopped.class, () -> stopped.align("c", pretrain, other));
        } finally {
            StopRequest.clear();
        }
        assertTrue(Files.isDirectory(run.resolve("align").resolve(".c.partial").resolve(AlignStage.RESUME_FOLDER)));

        Lines rerun = new Lines(null);
        Path done = pipeline(new Progress(rerun, false)).align("c", pretrain, config.align());
        assertFalse(rerun.any("resuming"), String.join("\n", rerun.lines));
        assertEquals(0, ((Number) Manifest.read(done).metrics().get("resumed_from_step")).intValue());
        Path fresh = pipeline(Progress.silent()).align("d", pretrain, config.align());
        assertEquals(-1, Files.mismatch(fresh.resolve(AdapterCheckpoint.WEIGHTS), done.resolve(AdapterCheckpoint.WEIGHTS)));
    }
}
