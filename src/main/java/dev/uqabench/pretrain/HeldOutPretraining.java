package dev.uqabench.pretrain;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.UqaException;
import dev.uqabench.data.FilteredSequences;
import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.UserRoles;
import dev.uqabench.dist.Group;
import dev.uqabench.dist.World;
import dev.uqabench.data.arrow.ReleaseFolder;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Pretraining on a release-layout folder with its held-out users split in two: the best epoch is chosen by
 * Recall/NDCG@K on the validation users ({@link UserRoles}, the same split the qa stage makes); the test
 * users are ranked once, by the chosen epoch, and reported as {@code test_*}. The plain {@code recall@K} /
 * {@code ndcg@K} figures are the validation users'.
 */
public final class HeldOutPretraining {

    private HeldOutPretraining() {
    }

    /**
     * Trains into {@code work} and returns the headline metrics of the chosen epoch. When {@code work} holds the
     * resumable checkpoint of an interrupted attempt ({@code last/}), training goes on from it and ends as an
     * uninterrupted run would; once training is done that checkpoint (model and optimizer state, which no later
     * stage reads) is deleted, and the metrics say how much the kept {@code best/} checkpoint takes.
     */
    public static Map<String, Object> run(Path dataFolder, PretrainConfig config, UserRoles roles, Path work,
                                          TrainingListener listener, Consumer<String> log) {
        ReleaseFolder data = ReleaseFolder.open(dataFolder, null, false);
        TableSizes catalogue = TableSizes.fromKeys(data.info().tableSizes());
        ReleaseReader train = ReleaseReader.open(dataFolder.resolve(ReleaseLayout.PRETRAIN_TRAIN));
        ReleaseReader eval = ReleaseReader.open(dataFolder.resolve(ReleaseLayout.PRETRAIN_EVAL));
        SequenceSource validation = new FilteredSequences(eval,
                user -> roles.ofHeldOut(user) == UserRoles.Role.VALIDATION);
        SequenceSource test = new FilteredSequences(eval, user -> roles.ofHeldOut(user) == UserRoles.Role.TEST);
        if (validation.rows() == 0) {
            throw new UqaException("pretrain: none of the " + eval.rows() + " held-out users of " + eval.file()
                    + " is a validation user (qa.validation_fraction " + roles.validationFraction()
                    + "); the best epoch cannot be chosen");
        }
        Path last = work.resolve(Pretrainer.LAST_DIR).resolve(Pretrainer.TRAINER_FILE);
        if (Files.isRegularFile(last)) {
            try {
                TrainerState state = EncoderCheckpoint.JSON.readValue(last.toFile(), TrainerState.class);
                log.accept("pretrain: resuming from the checkpoint of step " + state.step() + " (epoch " + state.epoch()
                        + ", step " + state.stepInEpoch() + " of it)");
            } catch (IOException e) {
                throw new UqaException(last + " is not a valid trainer state: " + e.getMessage(), e);
            }
        }
        // every file whose histories the encoder reads: training and held-out users, the release's own questions
        List<SequenceSource> read = new ArrayList<>(List.of(train, eval));
        data.alignTrain().ifPresent(read::add);
        data.alignEval().ifPresent(read::add);
        PretrainPlan plan = PretrainPlan.of(config, catalogue, read);
        log.accept(plan.describe());
        plan.check(physicalMemoryBytes());
        PretrainConfig resolved = plan.resolve(config);
        PretrainResult result = Pretrainer.run(resolved, plan.rows(), train, validation, work, listener, true);
        if (!World.group().isMain()) {
            // the other ranks of a group are done; rank 0 owns the folder: it ranks the test users and reports
            return Map.of();
        }
        AtomicFiles.deleteRecursively(work.resolve(Pretrainer.LAST_DIR));
        Map<String, Object> metrics = new LinkedHashMap<>(result.bestMetrics());
        metrics.put("validation_users", validation.rows());
        metrics.put("test_users", test.rows());
        if (test.rows() > 0) {
            // the chosen epoch's checkpoint is rank 0's alone: the test users are ranked there, by one process
            LoadedEncoder chosen = EncoderCheckpoint.load(result.bestCheckpoint());
            Evaluator.evaluate(chosen.model(), test, resolved, Group.single())
                    .forEach((key, value) -> metrics.put("test_" + key, value));
        }
        metrics.put("best_epoch", result.bestEpoch());
        metrics.put("parameters", result.parameters());
        metrics.put("steps", result.steps());
        metrics.put("train_seconds", result.seconds());
        metrics.put("checkpoint_bytes", folderBytes(result.bestCheckpoint()));
        metrics.putAll(plan.metrics());
        // what ran: pretrain.precision resolved on this CPU (auto: bf16 only with native bf16)
        metrics.put("precision", resolved.precision().resolve().name().toLowerCase(java.util.Locale.ROOT));
        return metrics;
    }

    /** The step of the resumable checkpoint in {@code work} (0: none), where a rerun goes on from. */
    public static long resumeStep(Path work) {
        Path last = work.resolve(Pretrainer.LAST_DIR).resolve(Pretrainer.TRAINER_FILE);
        if (!Files.isRegularFile(last)) {
            return 0;
        }
        try {
            return EncoderCheckpoint.JSON.readValue(last.toFile(), TrainerState.class).step();
        } catch (IOException e) {
            throw new UqaException(last + " is not a valid trainer state: " + e.getMessage(), e);
        }
    }

    /** The machine's physical memory, or 0 when the JVM cannot tell. */
    static long physicalMemoryBytes() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    private static long folderBytes(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UqaException(folder + ": cannot measure: " + e.getMessage(), e);
        }
    }
}
