package dev.uqabench.align;

import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where an interrupted alignment stands ({@code trainer.json} of its resumable checkpoint, {@link AlignTrainer}).
 *
 * @param config              the alignment's config; a resume with another config is refused
 * @param seed                the seed of the adapter's initialisation and the data order
 * @param examples            alignment questions trained on (a resume over another number is refused)
 * @param validationQuestions validation questions the best epoch is chosen on
 * @param epoch               epoch in progress (1-based; {@code epochs + 1} once every epoch is done)
 * @param stepInEpoch         steps of that epoch already done
 * @param step                steps done in all
 * @param lossSum             sum of this epoch's step losses so far
 * @param lossCount           steps summed in {@code lossSum}
 * @param lossAverage         running average of the step losses (decay 0.95), NaN before the first step
 * @param validationLosses    mean validation answer loss of each finished epoch (empty without validation questions)
 * @param bestEpoch           the epoch whose weights are kept so far (meaningful once {@code validationLosses} has one)
 * @param trainSeconds        training time spent so far, in all attempts
 */
public record AlignTrainerState(AlignConfig config, long seed, int examples, int validationQuestions, int epoch,
                                int stepInEpoch, int step, double lossSum, int lossCount, double lossAverage,
                                List<Double> validationLosses, int bestEpoch, double trainSeconds) {

    /** The trainer state file of a resumable checkpoint folder. */
    public static final String FILE = "trainer.json";

    public AlignTrainerState {
        validationLosses = List.copyOf(validationLosses);
    }

    /** The state of the checkpoint in {@code folder}; empty when it holds none (nothing to resume). */
    public static Optional<AlignTrainerState> find(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(file.toFile(), AlignTrainerState.class));
        } catch (IOException e) {
            throw new UqaException(file + " is not a valid alignment trainer state: " + e.getMessage()
                    + " (delete the folder " + folder + " to start the alignment afresh)", e);
        }
    }
}
