package dev.uqabench.run;

import dev.uqabench.base.Manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.cli.Main;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Prediction;
import dev.uqabench.eval.PredictionsJsonl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole chain on a micro configuration: every stage runs, writes its manifest, and is reused on a rerun. */
class QuickstartEndToEndTest {

    static final String MICRO = """
            seed: 7
            data: {users: 120, items: 150, categories: 12, brands: 30, shops: 30, sellers: 30,
                   min_sequence_length: 20, max_sequence_length: 50}
            llm: {hidden_size: 32, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 64, steps: 6, batch_size: 4,
                  warmup_steps: 1, context_lengths: [0, 3], drills: 20}
            pretrain: {epochs: 1, batch_size: 16, max_length: 50, preset: tiny}
            align: {epochs: 1, batch_size: 16}
            text_events: [5]
            """;

    @TempDir
    Path dir;

    @Test
    void microRunProducesEveryStageAndReusesThem() throws Exception {
        Path config = Files.writeString(dir.resolve("micro.yaml"), MICRO);
        Path run = dir.resolve("run");
        assertEquals(0, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet"));
        for (String stage : List.of("data", "qa", "llm", "pretrain", "align", "eval/none", "eval/text5", "eval/sasrec-meanpool")) {
            assertTrue(Manifest.exists(run.resolve(stage)), "manifest of " + stage);
        }
        Path soft = run.resolve("eval/sasrec-meanpool");
        List<Prediction> predictions = PredictionsJsonl.read(soft.resolve(PredictionsJsonl.FILE));
        assertFalse(predictions.isEmpty());
        Metrics metrics = Metrics.read(soft.resolve(Metrics.FILE));
        assertEquals(predictions.size(), metrics.all().n());
        assertTrue(predictions.get(0).promptTokens() > 1, "soft token counted in the prompt");
        assertTrue(Files.readString(run.resolve("report.md")).contains("sasrec-meanpool"));
        assertTrue(Files.readString(run.resolve("report.md")).contains("| pretrain | ")
                && Files.readString(run.resolve("report.md")).contains("– (ran now)"), "a fresh stage is not 'reused'");
        assertEquals(Boolean.TRUE, Manifest.read(soft).metrics().get("reference_rules_agree"));

        String before = Manifest.read(soft).finishedAt();
        assertEquals(0, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet"));
        assertEquals(before, Manifest.read(soft).finishedAt(), "second run reuses the finished stage");
        String report = Files.readString(run.resolve("report.md"));
        String pretrainRow = report.lines().filter(l -> l.startsWith("| pretrain |")).findFirst().orElseThrow();
        assertTrue(pretrainRow.contains(Manifest.read(run.resolve("pretrain")).finishedAt()), "reused since: " + pretrainRow);
    }

    @Test
    void twoLanesGiveTheSameWeightsAndPredictionsAsOne() throws Exception {
        List<Path> runs = new java.util.ArrayList<>();
        for (int lanes : new int[] {1, 2}) {
            Path config = Files.writeString(dir.resolve("lanes" + lanes + ".yaml"), MICRO + "seeds: [7, 8]\nlanes: " + lanes + "\n");
            Path run = dir.resolve("lanes" + lanes);
            assertEquals(0, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet"));
            runs.add(run);
        }
        List<String> files;
        try (var walk = Files.walk(runs.get(0))) {
            files = walk.filter(f -> f.getFileName().toString().equals(PredictionsJsonl.FILE)
                            || f.getFileName().toString().endsWith(".safetensors"))
                    .map(f -> runs.get(0).relativize(f).toString()).sorted().toList();
        }
        assertTrue(files.contains("seed-8/eval/learned-prompt/" + PredictionsJsonl.FILE)
                && files.contains("align-learned-prompt/adapter.safetensors"), files.toString());
        for (String file : files) {
            assertEquals(-1L, Files.mismatch(runs.get(0).resolve(file), runs.get(1).resolve(file)), file);
        }
    }

    @Test
    void anExternalReleaseFolderIsReadAsIs() throws Exception {
        Path config = Files.writeString(dir.resolve("micro.yaml"), MICRO);
        Path first = dir.resolve("first");
        assertEquals(0, Main.execute("quickstart", "--run-dir", first.toString(), "--config", config.toString(), "--quiet"));
        // the first run's data folder (release layout + dataset.json + tokenizer.json) as a user's own data
        Path second = dir.resolve("second");
        assertEquals(0, Main.execute("quickstart", "--run-dir", second.toString(), "--config", config.toString(),
                "--data", first.resolve("data").toString(), "--quiet"));
        assertFalse(Files.exists(second.resolve("data")), "an external data folder is not copied");
        assertTrue(Manifest.exists(second.resolve("qa")));
        assertEquals(Metrics.read(first.resolve("eval/none").resolve(Metrics.FILE)).all().n(),
                Metrics.read(second.resolve("eval/none").resolve(Metrics.FILE)).all().n());

        assertEquals(2, Main.execute("quickstart", "--run-dir", dir.resolve("third").toString(), "--config",
                config.toString(), "--llm", dir.resolve("no-such-llm").toString(), "--quiet"));
        assertFalse(Files.exists(dir.resolve("third")));
        // a checkpoint with a NaN weight is refused before the first stage, naming the tensor
        Path damaged = dir.resolve("damaged-llm");
        Files.createDirectories(damaged);
        try (var files = Files.list(first.resolve("llm/model"))) {
            for (Path f : files.toList()) Files.copy(f, damaged.resolve(f.getFileName()));
        }
        Path weightsFile = damaged.resolve("model.safetensors");
        try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            java.util.Map<String, org.bytedeco.pytorch.Tensor> weights =
                    new java.util.LinkedHashMap<>(dev.uqabench.tensor.Safetensors.read(weightsFile));
            org.bytedeco.pytorch.Tensor up = weights.get("model.layers.0.mlp.up_proj.weight").clone();
            up.fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
            weights.put("model.layers.0.mlp.up_proj.weight", up);
            dev.uqabench.tensor.Safetensors.write(weightsFile, weights);
        }
        java.io.StringWriter err = new java.io.StringWriter();
        assertEquals(2, Main.execute(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err),
                "quickstart", "--run-dir", dir.resolve("fourth").toString(), "--config", config.toString(), "--llm",
                damaged.toString(), "--quiet"));
        assertTrue(err.toString().contains("tensor 'model.layers.0.mlp.up_proj.weight' holds"), err.toString());
        assertFalse(Files.exists(dir.resolve("fourth")), "nothing ran");
    }

    @Test
    void badConfigFailsBeforeAnyWorkAndWritesNothing() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "pretrain:\n  batch_size: -4\n");
        Path run = dir.resolve("bad-run");
        assertEquals(2, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet"));
        assertFalse(Files.exists(run));

        Path unknown = Files.writeString(dir.resolve("unknown.yaml"), "llm:\n  hiden: 3\n");
        assertEquals(2, Main.execute("quickstart", "--run-dir", run.toString(), "--config", unknown.toString(), "--quiet"));
        assertFalse(Files.exists(run));
    }

    /** The README's {@code -o data/mine} beside a run folder: the user's file survives, with and without --force. */
    @Test
    void userDataUnderTheRunFolderSurvives() throws Exception {
        Path config = Files.writeString(dir.resolve("micro.yaml"), MICRO);
        Path run = dir.resolve("v");
        Path mine = Files.createDirectories(run.resolve("data").resolve("mine"));
        Files.writeString(mine.resolve("f"), "x");
        assertEquals(2, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet"));
        assertEquals(2, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet",
                "--force"));
        assertEquals("x", Files.readString(mine.resolve("f")));
    }

    /** A stop request (what SIGTERM records) ends the run at a safe point with 128 + 15, and the rerun finishes. */
    @Test
    void aStopRequestEndsTheRunAtASafePointAndTheRerunFinishes() throws Exception {
        Path config = Files.writeString(dir.resolve("micro.yaml"), MICRO);
        Path run = dir.resolve("stopped");
        try {
            dev.uqabench.base.StopRequest.request("SIGTERM", 143);
            assertEquals(143, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet"));
        } finally {
            dev.uqabench.base.StopRequest.clear();
        }
        assertEquals(0, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet"));
        assertTrue(Manifest.exists(run.resolve("eval/sasrec-meanpool")));
    }
}
