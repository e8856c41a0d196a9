package dev.uqabench.pretrain;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.UqaException;
import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.encoder.FeatureSet;
import java.util.Map;
import dev.uqabench.tensor.Precision;
import dev.uqabench.train.LearningRateSchedule;
import dev.uqabench.train.TableMoments;

/**
 * Everything that decides a pre-training run. Validated when built; every error names the key.
 *
 * @param encoder          registry name of the encoder ({@code sasrec}, ...)
 * @param preset           encoder preset ({@code tiny}, {@code quickstart}, {@code paper}, ...)
 * @param featureSet       input features (ablation); the reference uses {@link FeatureSet#TEXT}
 * @param maxLength        events read per user, the last ones (512 in the reference)
 * @param batchSize        users per step
 * @param epochs           passes over the training users
 * @param learningRate     peak AdamW learning rate
 * @param weightDecay      AdamW decoupled weight decay, applied to matrices only
 * @param warmupSteps      linear warm-up steps; then {@code schedule}
 * @param clipNorm         global gradient-norm clip (0 disables it)
 * @param loss             full or sampled softmax
 * @param negatives        shared random negatives per step (sampled softmax only)
 * @param checkpointEvery  steps between resumable checkpoints (0: only at epoch ends)
 * @param evalUsers        held-out users evaluated each epoch (0: all)
 * @param seed             seeds weights, data order, dropout and negatives
 * @param schedule         after the warm-up: cosine decay to 10 % of the peak, or constant (the reference)
 * @param compactTables    size embedding tables to the ids that occur in the data (auto: when under half of a
 *                         catalogue's ids occur); the id map goes into the checkpoint
 * @param precision        the training step's arithmetic: {@code fp32}, {@code bf16} (autocast: products in bf16,
 *                         float32 master weights and optimizer state) or {@code auto} (bf16 where the CPU has it
 *                         natively, AVX-512 bf16 or AMX; float32 elsewhere); the manifest records which one ran
 * @param tableMoments     the embedding tables' second moments: {@code full} (one per weight, AdamW; the default) or
 *                         {@code row} (one per row, as fbgemm's partial row-wise Adam: a third less table memory)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PretrainConfig(String encoder, String preset, FeatureSet featureSet, int maxLength, int batchSize,
                             int epochs, double learningRate, double weightDecay, int warmupSteps, double clipNorm,
                             LossType loss, int negatives, int checkpointEvery, int evalUsers, long seed,
                             LearningRateSchedule schedule, CompactTables compactTables, Precision precision,
                             TableMoments tableMoments) {

    private static final String WHERE = "pretrain config";

    public PretrainConfig {
        require(encoder != null, "encoder", "is required");
        require(preset != null, "preset", "is required");
        EncoderKind<?> kind;
        try {
            kind = EncoderRegistry.kind(encoder);
        } catch (UqaException e) {
            throw new ConfigException(WHERE, "encoder", e.getMessage(), e);
        }
        try {
            kind.preset(preset);
        } catch (UqaException e) {
            throw new ConfigException(WHERE, "preset", e.getMessage(), e);
        }
        require(featureSet != null, "feature_set", "is required (text, side_info or id_only)");
        require(maxLength > 0, "max_length", "must be positive, got " + maxLength);
        require(batchSize > 0, "batch_size", "must be positive, got " + batchSize);
        require(epochs > 0, "epochs", "must be positive, got " + epochs);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning_rate", "must be positive, got " + learningRate);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight_decay", "must be >= 0, got " + weightDecay);
        require(warmupSteps >= 0, "warmup_steps", "must be >= 0, got " + warmupSteps);
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "clip_norm", "must be >= 0, got " + clipNorm);
        require(loss != null, "loss", "is required (full_softmax, sampled_softmax or auto)");
        require(negatives > 0, "negatives", "must be positive, got " + negatives);
        require(checkpointEvery >= 0, "checkpoint_every", "must be >= 0, got " + checkpointEvery);
        require(evalUsers >= 0, "eval_users", "must be >= 0, got " + evalUsers);
        if (schedule == null) {
            schedule = LearningRateSchedule.COSINE;
        }
        if (compactTables == null) {
            compactTables = CompactTables.AUTO;
        }
        if (precision == null) {
            precision = Precision.FP32;
        }
        if (tableMoments == null) {
            tableMoments = TableMoments.FULL;
        }
    }

    /** Warm-up then cosine decay, as every run before the schedule key. */
    public PretrainConfig(String encoder, String preset, FeatureSet featureSet, int maxLength, int batchSize, int epochs,
                          double learningRate, double weightDecay, int warmupSteps, double clipNorm, LossType loss,
                          int negatives, int checkpointEvery, int evalUsers, long seed) {
        this(encoder, preset, featureSet, maxLength, batchSize, epochs, learningRate, weightDecay, warmupSteps, clipNorm,
                loss, negatives, checkpointEvery, evalUsers, seed, LearningRateSchedule.COSINE, CompactTables.AUTO, Precision.FP32,
                TableMoments.FULL);
    }

    /** Reference settings for an encoder preset: all features, 512 events, full softmax. */
    public static PretrainConfig defaults(String encoder, String preset) {
        return new PretrainConfig(encoder, preset, FeatureSet.TEXT, 512, 32, 3, 1e-3, 0.01, 100, 1.0,
                LossType.FULL_SOFTMAX, 1024, 0, 0, 42);
    }

    /**
     * A config from keys (as read from a YAML/JSON config file): {@code encoder} and {@code preset}
     * are required, every other key overrides {@link #defaults}; an unknown key or a value of the
     * wrong type is an error naming the key.
     */
    public static PretrainConfig fromMap(Map<String, ?> values) {
        if (!(values.get("encoder") instanceof String encoder)) {
            throw new ConfigException(WHERE, "encoder", "is required");
        }
        if (!(values.get("preset") instanceof String preset)) {
            throw new ConfigException(WHERE, "preset", "is required");
        }
        return ConfigLoader.fromMap(defaults(encoder, preset), values, PretrainConfig.class, WHERE);
    }

    public PretrainConfig withFeatureSet(FeatureSet value) {
        return new PretrainConfig(encoder, preset, value, maxLength, batchSize, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, evalUsers, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withMaxLength(int value) {
        return new PretrainConfig(encoder, preset, featureSet, value, batchSize, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, evalUsers, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withBatchSize(int value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, value, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, evalUsers, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withEpochs(int value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, value, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, evalUsers, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withLearningRate(double value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, epochs, value, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, evalUsers, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withWarmupSteps(int value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, epochs, learningRate, weightDecay,
                value, clipNorm, loss, negatives, checkpointEvery, evalUsers, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withLoss(LossType value, int negativeCount) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, value, negativeCount, checkpointEvery, evalUsers, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withCheckpointEvery(int value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, value, evalUsers, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withEvalUsers(int value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, value, seed, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withSeed(long value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, evalUsers, value, schedule, compactTables, precision,
                tableMoments);
    }

    public PretrainConfig withPrecision(Precision value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, evalUsers, seed, schedule, compactTables, value,
                tableMoments);
    }

    public PretrainConfig withTableMoments(TableMoments value) {
        return new PretrainConfig(encoder, preset, featureSet, maxLength, batchSize, epochs, learningRate, weightDecay,
                warmupSteps, clipNorm, loss, negatives, checkpointEvery, evalUsers, seed, schedule, compactTables, precision,
                value);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, WHERE, key, problem);
    }
}
