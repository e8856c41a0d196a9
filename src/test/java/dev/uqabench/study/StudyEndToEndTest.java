package dev.uqabench.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.cli.Main;
import dev.uqabench.eval.PredictionsJsonl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A micro study end to end, in one lane and in two: the same rows, predictions and weights. */
class StudyEndToEndTest {

    private static final String MICRO = """
            base:
              seed: 7
              data: {users: 120, items: 150, categories: 12, brands: 30, shops: 30, sellers: 30,
                     min_sequence_length: 20, max_sequence_length: 50}
              llm: {hidden_size: 32, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 64, steps: 6, batch_size: 4,
                    warmup_steps: 1, context_lengths: [0, 3], drills: 20}
              pretrain: {epochs: 1, batch_size: 16, max_length: 50}
              align: {epochs: 1, batch_size: 16}
              lanes: LANES
            design: one_at_a_time
            encoders: [sasrec, gru4rec]
            preset: tiny
            adapters: [meanpool]
            modes: [adapter_only, adapter_and_encoder]
            features: [text]
            text_baselines: [5]
            seeds: [7, 8]
            """;

    @TempDir
    Path dir;

    @Test
    void twoLanesGiveTheSameStudyAsOne() throws Exception {
        List<Path> runs = new ArrayList<>();
        for (int lanes : new int[] {1, 2}) {
            Path config = Files.writeString(dir.resolve("study" + lanes + ".yaml"), MICRO.replace("LANES", "" + lanes));
            Path run = dir.resolve("run" + lanes);
            assertEquals(0, Main.execute("study", "--config", config.toString(), "--run-dir", run.toString(), "--quiet"));
            runs.add(run);
        }
        assertEquals(Files.readString(runs.get(0).resolve("study-seeds.csv")), Files.readString(runs.get(1).resolve("study-seeds.csv")));
        List<String> variants = Files.readAllLines(runs.get(0).resolve("study.csv")).stream()
                .map(line -> line.split(",")[0]).toList();
        assertEquals(variants, Files.readAllLines(runs.get(1).resolve("study.csv")).stream().map(line -> line.split(",")[0]).toList());
        assertTrue(variants.contains("gru4rec-meanpool") && variants.contains("sasrec-meanpool-tuned"), variants.toString());
        List<String> files;
        try (var walk = Files.walk(runs.get(0))) {
            files = walk.filter(f -> f.getFileName().toString().equals(PredictionsJsonl.FILE)
                            || f.getFileName().toString().endsWith(".safetensors"))
                    .map(f -> runs.get(0).relativize(f).toString()).sorted().toList();
        }
        assertTrue(files.size() > 20, files.toString());
        for (String file : files) {
            assertEquals(-1L, Files.mismatch(runs.get(0).resolve(file), runs.get(1).resolve(file)), file);
        }
    }
}
