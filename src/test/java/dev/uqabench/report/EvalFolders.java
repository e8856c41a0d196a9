package dev.uqabench.report;

import dev.uqabench.eval.Prediction;
import dev.uqabench.eval.PredictionsJsonl;
import dev.uqabench.qa.Subtask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Eval folders for report and study tests. */
public final class EvalFolders {

    private EvalFolders() {
    }

    /** {@code dir/name}, an eval folder whose first {@code right} of 100 questions are answered correctly. */
    public static Path withAccuracy(Path dir, String name, int right) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            predictions.add(new Prediction("q" + i, "u" + (i % 10), Subtask.values()[i % 7], name, "?",
                    i < right ? "A" : "B", "A", 10, 0.01));
        }
        PredictionsJsonl.write(folder.resolve(PredictionsJsonl.FILE), predictions);
        return folder;
    }
}
