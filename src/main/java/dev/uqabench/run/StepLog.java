package dev.uqabench.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import dev.uqabench.train.StepEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A training stage's per-step log, one JSON line per step ({@code step}, {@code epoch}, {@code loss},
 * {@code lr}, {@code units}), appended as the steps go. Opened on an interrupted attempt's folder it keeps the
 * lines up to the checkpoint the attempt resumes from, so the finished log has every step once.
 */
final class StepLog implements AutoCloseable {

    private final Path file;
    private final BufferedWriter out;

    private StepLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code file}, keeping its lines of steps up to {@code keepThrough} (0: starts it afresh). */
    static StepLog open(Path file, long keepThrough) {
        try {
            List<String> kept = new ArrayList<>();
            if (keepThrough > 0 && Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && Json.mapper().readTree(line).path("step").asLong() <= keepThrough) {
                        kept.add(line);
                    }
                }
            }
            // the kept lines replace the file whole (temp then rename): a crash here never leaves half of it
            dev.uqabench.base.AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
            return new StepLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UqaException(file + ": cannot write the step log: " + e.getMessage(), e);
        }
    }

    void add(StepEvent step) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("step", step.step()).put("epoch", step.epoch()).put("loss", step.loss())
                .put("lr", step.learningRate()).put(step.unit(), step.units());
        try {
            out.write(Json.compact(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UqaException(file + ": cannot write the step log: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UqaException(file + ": cannot write the step log: " + e.getMessage(), e);
        }
    }
}
