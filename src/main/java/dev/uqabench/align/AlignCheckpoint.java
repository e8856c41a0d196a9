package dev.uqabench.align;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Safetensors;
import dev.uqabench.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;

/**
 * The resumable checkpoint of an alignment in progress, one folder written whole through
 * {@link AtomicFiles#writeFolder}: the adapter's weights ({@link AdapterCheckpoint#WEIGHTS}), the encoder's when it
 * trains too ({@link AlignFolder#TUNED_ENCODER}), the best epoch's copy of all of them ({@link #BEST}), the AdamW
 * state ({@link #OPTIMIZER}: both moments and the step count of every parameter, libtorch's own archive, so that it
 * is restored bit for bit) and {@link AlignTrainerState#FILE}. No later stage reads it.
 */
final class AlignCheckpoint {

    /** The best epoch's weights so far, by their place in the trainer's parameter list. */
    static final String BEST = "best.safetensors";
    static final String OPTIMIZER = "optimizer.pt";

    private AlignCheckpoint() {
    }

    /** Writes the checkpoint; {@code encoder} null when it does not train, {@code best} null before a best epoch. */
    static void write(Path folder, AlignTrainerState state, Adapter adapter, StateEncoder encoder, Optimizer optimizer,
                      List<Tensor> best) {
        AtomicFiles.writeFolder(folder, staged -> {
            AdapterCheckpoint.save(adapter.module(), staged.resolve(AdapterCheckpoint.WEIGHTS));
            if (encoder != null) {
                AdapterCheckpoint.save(encoder.module(), staged.resolve(AlignFolder.TUNED_ENCODER));
            }
            if (best != null) {
                Map<String, Tensor> copies = new LinkedHashMap<>();
                for (int i = 0; i < best.size(); i++) {
                    copies.put(bestName(i), best.get(i));
                }
                Safetensors.write(staged.resolve(BEST), copies);
            }
            OutputArchive archive = new OutputArchive();
            optimizer.save(archive);
            archive.save_to(staged.resolve(OPTIMIZER).toString());
            Json.mapper().writeValue(staged.resolve(AlignTrainerState.FILE).toFile(), state);
            return null;
        });
    }

    /**
     * Loads the checkpoint in {@code folder} into the adapter, the encoder (when it trains), the optimizer and
     * {@code best} (when the state has a best epoch); empty when {@code folder} holds none. A checkpoint of another
     * alignment (config, seed, questions) is refused, naming the folder.
     *
     * @param expected the state a fresh start would have: its config, seed and question counts must match
     */
    static Optional<AlignTrainerState> restore(Path folder, AlignTrainerState expected, Adapter adapter,
                                               StateEncoder encoder, Optimizer optimizer, List<Tensor> best) {
        Optional<AlignTrainerState> found = AlignTrainerState.find(folder);
        if (found.isEmpty()) {
            return found;
        }
        AlignTrainerState state = found.get();
        if (!state.config().equals(expected.config()) || state.seed() != expected.seed()
                || state.examples() != expected.examples()
                || state.validationQuestions() != expected.validationQuestions()) {
            throw new UqaException("cannot resume the alignment from " + folder + ": it was made with another config,"
                    + " seed or question set (" + describe(state) + "; this run: " + describe(expected) + "); delete the"
                    + " folder to start afresh");
        }
        AdapterCheckpoint.load(adapter.module(), folder.resolve(AdapterCheckpoint.WEIGHTS));
        if (encoder != null) {
            AdapterCheckpoint.load(encoder.module(), folder.resolve(AlignFolder.TUNED_ENCODER));
        }
        if (!state.validationLosses().isEmpty()) {
            readBest(folder.resolve(BEST), best);
        }
        Path optimizerFile = folder.resolve(OPTIMIZER);
        if (!Files.isRegularFile(optimizerFile)) {
            throw new UqaException(optimizerFile + " is missing: the checkpoint is incomplete; delete " + folder
                    + " to start the alignment afresh");
        }
        try {
            InputArchive archive = new InputArchive();
            archive.load_from(optimizerFile.toString());
            optimizer.load(archive);
        } catch (RuntimeException e) {
            throw new UqaException(optimizerFile + ": cannot restore the AdamW state: " + e.getMessage()
                    + " (delete " + folder + " to start the alignment afresh)", e);
        }
        return found;
    }

    /** Bytes the checkpoint in {@code folder} takes. */
    static long bytes(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UqaException(folder + ": cannot measure: " + e.getMessage(), e);
        }
    }

    private static void readBest(Path file, List<Tensor> best) {
        if (!Files.isRegularFile(file)) {
            throw new UqaException(file + " is missing: the checkpoint has a best epoch but not its weights");
        }
        Map<String, Tensor> stored = Safetensors.read(file);
        if (stored.size() != best.size()) {
            throw new UqaException(file + ": " + stored.size() + " tensors, this alignment trains " + best.size());
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < best.size(); i++) {
                Tensor t = stored.get(bestName(i));
                if (t == null || !Arrays.equals(Tensors.shape(t), Tensors.shape(best.get(i)))) {
                    throw new UqaException(file + ": tensor '" + bestName(i) + "' is missing or has another shape than"
                            + " " + Arrays.toString(Tensors.shape(best.get(i))));
                }
                best.get(i).copy_(t);
            }
        }
    }

    private static String bestName(int index) {
        return String.format("param.%04d", index);
    }

    private static String describe(AlignTrainerState s) {
        return "seed " + s.seed() + ", " + s.examples() + " alignment and " + s.validationQuestions()
                + " validation questions, " + Json.compact(s.config());
    }
}
