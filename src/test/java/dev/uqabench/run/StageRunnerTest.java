package dev.uqabench.run;

import dev.uqabench.base.Manifest;
import dev.uqabench.base.Hashing;
import dev.uqabench.base.UqaException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRunnerTest {

    @TempDir
    Path dir;

    private final AtomicInteger runs = new AtomicInteger();

    private StageRunner.Outcome runStage(boolean force, int size) {
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("size", size);
        return new StageRunner(force, Progress.silent()).run("demo", dir.resolve("out"), config, 1, Map.of(), work -> {
            runs.incrementAndGet();
            Files.writeString(work.resolve("result.txt"), "size=" + size);
            return Map.of("size", size);
        });
    }

    @Test
    void reusesAFinishedStageWithTheSameConfig() {
        StageRunner.Outcome first = runStage(false, 3);
        StageRunner.Outcome second = runStage(false, 3);
        assertFalse(first.reused());
        assertTrue(second.reused());
        assertEquals(1, runs.get());
        assertEquals(first.manifest().fingerprint(), second.manifest().fingerprint());
    }

    @Test
    void rerunsWhenConfigChangesOrForced() throws Exception {
        runStage(false, 3);
        runStage(false, 4);
        assertEquals(2, runs.get());
        assertEquals("size=4", Files.readString(dir.resolve("out/result.txt")));
        runStage(true, 4);
        assertEquals(3, runs.get());
    }

    @Test
    void rerunsWhenAnOutputWasTamperedWith() throws Exception {
        runStage(false, 3);
        Files.writeString(dir.resolve("out/result.txt"), "edited");
        assertFalse(runStage(false, 3).reused());
    }

    @Test
    void filesSomeonePutInAStageFolderSurviveAForcedRedo() throws Exception {
        // issue 12: quickstart --force replaced runs/v/data whole, deleting runs/v/data/mine/f
        runStage(false, 3);
        Path mine = dir.resolve("out/mine/f");
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, "my file");
        assertTrue(runStage(false, 3).reused());
        StageRunner.Outcome redone = runStage(true, 3);
        assertFalse(redone.reused());
        assertEquals("my file", Files.readString(mine));
        assertFalse(redone.manifest().outputs().containsKey("mine/f"), "not an output of the stage");
        assertTrue(runStage(false, 3).reused(), "the carried file does not invalidate the stage");
    }

    @Test
    void aFailingStageLeavesNoEmptyParentItMade() throws Exception {
        // issue 12: a failed eval/none left an empty eval/ in the run folder
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        StageRunner runner = new StageRunner(false, Progress.silent());
        assertThrows(dev.uqabench.base.UqaException.class, () -> runner.run("eval/none", dir.resolve("eval/none"), config, 1,
                Map.of(), work -> {
                    throw new dev.uqabench.base.UqaException("bad input");
                }));
        assertFalse(Files.exists(dir.resolve("eval")));
        Files.createDirectories(dir.resolve("mine"));
        assertThrows(dev.uqabench.base.UqaException.class, () -> runner.run("mine/x", dir.resolve("mine/x"), config, 1,
                Map.of(), work -> {
                    throw new dev.uqabench.base.UqaException("bad input");
                }));
        assertTrue(Files.isDirectory(dir.resolve("mine")), "a folder that was there before stays");
    }

    @Test
    void aFailingStageLeavesNoOutputFolder() {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        // a bug in a stage leaves as itself, not disguised as a user error
        assertThrows(IllegalStateException.class, () -> new StageRunner(false, Progress.silent())
                .run("broken", dir.resolve("broken"), config, 1, Map.of(), work -> {
                    Files.writeString(work.resolve("half.txt"), "half");
                    throw new IllegalStateException("boom");
                }));
        assertFalse(Files.exists(dir.resolve("broken")));
        assertFalse(Files.exists(dir.resolve(".broken.partial")));
    }

    @Test
    void manifestRecordsConfigInputsAndMetrics() throws Exception {
        Path input = Files.writeString(dir.resolve("in.txt"), "x");
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("k", 1);
        StageRunner.Outcome o = new StageRunner(false, Progress.silent()).run("s", dir.resolve("s"), config, 9,
                Map.of("source", input), work -> Map.of("acc", 0.5));
        Manifest m = Manifest.read(dir.resolve("s"));
        assertEquals("s", m.stage());
        assertEquals(9, m.seed());
        assertEquals(Hashing.sha256(input), m.inputs().get("source"));
        assertEquals(0.5, ((Number) m.metrics().get("acc")).doubleValue());
        assertEquals(o.manifest().fingerprint(), m.fingerprint());
    }

    /** A folder the stage did not make is never replaced, with or without --force; the user's file survives. */
    @Test
    void aFolderWithoutAManifestIsLeftAloneAndNamed() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("out").resolve("mine"));
        Files.writeString(mine.resolve("f"), "x");
        for (boolean force : new boolean[] {false, true}) {
            dev.uqabench.base.UqaException e = assertThrows(dev.uqabench.base.UqaException.class, () -> runStage(force, 3));
            assertTrue(e.getMessage().startsWith(dir.resolve("out") + ": holds files but no manifest.json"), e.getMessage());
            assertEquals("x", Files.readString(mine.resolve("f")));
        }
        assertEquals(0, runs.get(), "the stage never ran");
    }

    /** A truncated manifest (a write cut short) is ours: the stage is redone, not refused. */
    @Test
    void aTruncatedManifestRedoesTheStage() throws Exception {
        runStage(false, 3);
        Path manifest = dir.resolve("out").resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).substring(0, 40));
        StageRunner.Outcome again = runStage(false, 3);
        assertFalse(again.reused());
        assertEquals(2, runs.get());
    }

    /** An empty folder holds nothing to lose: the stage fills it. */
    @Test
    void anEmptyFolderIsFilled() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        assertFalse(runStage(false, 3).reused());
        assertEquals("size=3", Files.readString(dir.resolve("out").resolve("result.txt")));
    }

    /** Changed code of a floor reruns the stages standing on it; stages below it are reused. */
    @Test
    void changedCodeRerunsTheStagesAboveItOnly() {
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("size", 1);
        StageRunner runner = new StageRunner(false, Progress.silent());
        StageRunner.Body body = work -> {
            runs.incrementAndGet();
            Files.writeString(work.resolve("r.txt"), "r");
            return Map.of();
        };
        runner.run("data", dir.resolve("data"), config, 1, Map.of(), body);
        runner.run("pretrain", dir.resolve("pretrain"), config, 1, Map.of(), body);
        try {
            System.setProperty("uqabench.code.pretrain", "patched");
            dev.uqabench.base.CodeIdentity.reset();
            assertTrue(runner.run("data", dir.resolve("data"), config, 1, Map.of(), body).reused());
            StageRunner.Outcome pretrain = runner.run("pretrain", dir.resolve("pretrain"), config, 1, Map.of(), body);
            assertFalse(pretrain.reused());
            assertTrue(pretrain.manifest().versions().get("code").startsWith(dev.uqabench.base.Versions.UQABENCH + "+"));
        } finally {
            System.clearProperty("uqabench.code.pretrain");
            dev.uqabench.base.CodeIdentity.reset();
        }
        assertEquals(3, runs.get());
    }

    /** A resumable stage keeps an interrupted attempt's work for the next run with the same fingerprint only. */
    @Test
    void aResumableStageGoesOnFromItsInterruptedAttempt() throws Exception {
        StageRunner runner = new StageRunner(false, Progress.silent());
        java.util.List<Boolean> sawCheckpoint = new java.util.ArrayList<>();
        StageRunner.Body interrupted = work -> {
            Files.writeString(work.resolve("checkpoint"), "step 50");
            throw new IllegalStateException("killed");
        };
        StageRunner.Body finishing = work -> {
            sawCheckpoint.add(Files.exists(work.resolve("checkpoint")));
            Files.deleteIfExists(work.resolve("checkpoint"));
            Files.writeString(work.resolve("model"), "m");
            return Map.of();
        };
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("size", 1);
        assertThrows(IllegalStateException.class,
                () -> runner.run("pretrain", dir.resolve("p"), config, 1, Map.of(), true, interrupted));
        assertTrue(Files.exists(dir.resolve(".p.partial").resolve("checkpoint")), "the attempt's work is kept");
        StageRunner.Outcome done = runner.run("pretrain", dir.resolve("p"), config, 1, Map.of(), true, finishing);
        assertEquals(java.util.List.of(true), sawCheckpoint, "the rerun found the checkpoint");
        assertEquals(java.util.Set.of("model"), done.manifest().outputs().keySet());

        // another config: the kept work of the earlier attempt is not resumed
        assertThrows(IllegalStateException.class,
                () -> runner.run("pretrain", dir.resolve("q"), config, 1, Map.of(), true, interrupted));
        ObjectNode other = JsonNodeFactory.instance.objectNode().put("size", 2);
        runner.run("pretrain", dir.resolve("q"), other, 1, Map.of(), true, finishing);
        assertEquals(java.util.List.of(true, false), sawCheckpoint);
    }

    /** A damaged file of the attempt being resumed is named with the way out (--force); other errors are not. */
    @Test
    void aDamagedCheckpointOfTheResumedAttemptPointsToForce() throws Exception {
        StageRunner runner = new StageRunner(false, Progress.silent());
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("size", 1);
        assertThrows(IllegalStateException.class, () -> runner.run("pretrain", dir.resolve("p"), config, 1, Map.of(), true,
                work -> {
                    Files.writeString(work.resolve("checkpoint"), "step 5");
                    throw new IllegalStateException("killed");
                }));
        UqaException damaged = assertThrows(UqaException.class, () -> runner.run("pretrain", dir.resolve("p"), config, 1,
                Map.of(), true, work -> {
                    throw new UqaException(work.resolve("checkpoint") + ": cut short");
                }));
        assertTrue(damaged.getMessage().endsWith(": cut short (a file of the interrupted attempt being resumed: rerun "
                + "with --force to start pretrain (p) afresh)"), damaged.getMessage());
        UqaException elsewhere = assertThrows(UqaException.class, () -> runner.run("pretrain", dir.resolve("p"), config,
                1, Map.of(), true, work -> {
                    throw new UqaException("data/x.arrow: corrupt");
                }));
        assertEquals("data/x.arrow: corrupt", elsewhere.getMessage());
    }

    /** Bad input (or a stop) before a resumable stage's first checkpoint leaves no partial folder behind. */
    @Test
    void aResumableAttemptThatFailsBeforeItsFirstCheckpointLeavesNothing() {
        StageRunner runner = new StageRunner(false, Progress.silent());
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("size", 1);
        assertThrows(UqaException.class, () -> runner.run("align", dir.resolve("a"), config, 1, Map.of(), true, work -> {
            throw new UqaException("m/model.safetensors: tensor 'w' holds 3 NaN values");
        }));
        assertFalse(Files.exists(dir.resolve(".a.partial")), "an attempt with nothing to resume from is not kept");
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void logLinesNameTheFolderWhenItSaysMoreThanTheStage() {
        assertEquals("align", StageRunner.label("align", Path.of("runs", "q", "align")));
        assertEquals("align-learned-prompt", StageRunner.label("align", Path.of("runs", "q", "align-learned-prompt")));
        assertEquals("align (sasrec-x)", StageRunner.label("align", Path.of("runs", "q", "align", "sasrec-x")));
        assertEquals("pretrain", StageRunner.label("pretrain", Path.of("runs", "q", "seed-2", "pretrain")));
        assertEquals("eval/none", StageRunner.label("eval/none", Path.of("runs", "q", "seed-2", "eval", "none")));
        assertEquals("eval-valid/none", StageRunner.label("eval/none", Path.of("runs", "q", "eval-valid", "none")));
    }
}
