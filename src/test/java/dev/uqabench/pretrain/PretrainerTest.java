package dev.uqabench.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.EventBatch;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.encoder.ToyData;
import dev.uqabench.base.UqaException;
import java.nio.file.Files;
import dev.uqabench.train.StepEvent;
import dev.uqabench.train.TableMoments;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.uqabench.tensor.Precision;
import dev.uqabench.tensor.Safetensors;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PretrainerTest {

    private static final int ITEMS = 60;
    private static final List<UserSequence> TRAIN = ToyData.strideUsers(160, ITEMS, 5, 20, 1);
    private static final List<UserSequence> EVAL = ToyData.strideUsers(40, ITEMS, 5, 20, 2);

    static PretrainConfig tiny(String encoder) {
        return PretrainConfig.defaults(encoder, "tiny").withMaxLength(16).withBatchSize(16).withEpochs(3)
                .withWarmupSteps(5).withLearningRate(1e-2).withSeed(3);
    }

    private static PretrainResult run(PretrainConfig config, Path dir, TrainingListener listener, boolean resume) {
        return Pretrainer.run(config, TableSizes.uniform(ITEMS), ToyData.source(TRAIN), ToyData.source(EVAL), dir,
                listener, resume);
    }

    @Test
    void learnsTheStridePatternAndKeepsTheBestCheckpoint(@TempDir Path dir) {
        List<Double> losses = new ArrayList<>();
        PretrainResult result = run(tiny("sasrec"), dir, new TrainingListener() {
            @Override
            public void onStep(StepEvent event) {
                losses.add(event.loss());
            }
        }, false);
        double first = losses.subList(0, 3).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - 3, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < first * 0.5, "loss did not fall: " + first + " -> " + last);
        // chance is 1/60; two strides make the next item nearly determined after a few events
        assertTrue(result.bestMetrics().get("recall@5") > 0.5, result.bestMetrics().toString());
        assertEquals(3, result.epochMetrics().size());
        assertTrue(Files.exists(dir.resolve("best/model.safetensors")));

        LoadedEncoder loaded = EncoderCheckpoint.load(dir);
        assertEquals(16, loaded.hiddenSize());
        assertEquals(tiny("sasrec"), loaded.config());
        assertEquals(result.bestMetrics(), loaded.metrics());
        // the reloaded model ranks exactly as well as the kept epoch did
        assertEquals(result.bestMetrics(), Evaluator.evaluate(loaded.model(), ToyData.source(EVAL), loaded.config()));
    }

    @ParameterizedTest
    @CsvSource({"sasrec, FP32", "hstu, FP32", "trmplus, FP32", "gru4rec, FP32", "mamba, FP32",
            "sasrec, BF16", "hstu, BF16", "trmplus, BF16", "gru4rec, BF16", "mamba, BF16"})
    void everyEncoderLearnsTheStridePattern(String encoder, Precision precision, @TempDir Path dir) {
        List<Double> losses = new ArrayList<>();
        PretrainResult result = run(tiny(encoder).withPrecision(precision), dir, new TrainingListener() {
            @Override
            public void onStep(StepEvent event) {
                losses.add(event.loss());
            }
        }, false);
        double first = losses.subList(0, 3).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - 3, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf("%s %s: loss %.3f -> %.3f, %s%n", encoder, precision, first, last, result.bestMetrics());
        assertTrue(last < first * 0.6, encoder + ": loss did not fall enough: " + first + " -> " + last);
        // chance is 10/60 for recall@10
        assertTrue(result.bestMetrics().get("recall@10") > 0.4, encoder + ": " + result.bestMetrics());
        // mixed precision: the products ran in bf16, the kept (master) weights are float32
        for (Map.Entry<String, Tensor> weight : Safetensors.read(dir.resolve("best/model.safetensors")).entrySet()) {
            assertEquals(ScalarType.Float, weight.getValue().scalar_type().intern(), weight.getKey());
        }
    }

    @Test
    void bf16RunsTheForwardPassInBf16AndTheLossInFloat32(@TempDir Path dir) {
        // the same first step in both precisions: the losses agree to bf16's precision, not bit for bit
        Precision[] precisions = {Precision.FP32, Precision.BF16};
        double[] firstLoss = new double[2];
        for (int i = 0; i < 2; i++) {
            Precision precision = precisions[i];
            Pretrainer trainer = new Pretrainer(tiny("sasrec").withPrecision(precision), dev.uqabench.encoder.TableRows
                    .identity(TableSizes.uniform(ITEMS)), source(TRAIN), source(EVAL), dir.resolve(precision.name()),
                    TrainingListener.NONE, dev.uqabench.dist.Group.single());
            dev.uqabench.train.TrainingRun run = dev.uqabench.train.TrainingRun.builder().setStage("test")
                    .setTotalSteps(1).build();
            firstLoss[i] = trainer.trainStep(TRAIN.subList(0, 16), 1, 1e-3, run).loss();
        }
        assertTrue(Math.abs(firstLoss[0] - firstLoss[1]) < 0.02 * firstLoss[0], java.util.Arrays.toString(firstLoss));
        assertTrue(firstLoss[0] != firstLoss[1], "bf16 computed exactly the float32 loss: autocast did not apply");
    }

    @Test
    void precisionIsAConfigKey() {
        assertEquals(Precision.BF16, PretrainConfig.fromMap(Map.of("encoder", "sasrec", "preset", "tiny",
                "precision", "bf16")).precision());
        assertEquals(Precision.FP32, PretrainConfig.defaults("sasrec", "tiny").precision());
        UqaException e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of("encoder", "sasrec",
                "preset", "tiny", "precision", "fp16")));
        assertTrue(e.getMessage().contains("precision"), e.getMessage());
    }

    @Test
    void rowWiseTableMomentsLearnTheStridePatternWithOneSecondMomentPerRow(@TempDir Path dir) {
        PretrainResult result = run(tiny("sasrec").withTableMoments(TableMoments.ROW).withCheckpointEvery(5), dir,
                TrainingListener.NONE, false);
        assertTrue(result.bestMetrics().get("recall@10") > 0.4, result.bestMetrics().toString());
        int tables = 0;
        for (Map.Entry<String, Tensor> e : Safetensors.read(dir.resolve("last/" + Pretrainer.OPTIMIZER_FILE)).entrySet()) {
            if (e.getKey().startsWith("v.embedding.bags.")) {
                assertEquals(1, e.getValue().size(1), e.getKey() + " holds one second moment per row");
                tables++;
            } else if (e.getKey().startsWith("v.")) {
                assertTrue(e.getValue().dim() < 2 || e.getValue().size(1) > 1 || e.getKey().contains("bias"),
                        e.getKey() + ": dense weights keep a second moment per weight");
            }
        }
        assertTrue(tables > 0, "no table moments in the optimizer state");
        // a resume that would change the optimizer's state shapes is refused as another config
        UqaException e = assertThrows(UqaException.class, () -> run(tiny("sasrec").withCheckpointEvery(5), dir,
                TrainingListener.NONE, true));
        assertTrue(e.getMessage().contains("another config"), e.getMessage());
    }

    @Test
    void tableMomentsIsAConfigKey() {
        assertEquals(TableMoments.ROW, PretrainConfig.fromMap(Map.of("encoder", "sasrec", "preset", "tiny",
                "table_moments", "row")).tableMoments());
        assertEquals(TableMoments.FULL, PretrainConfig.defaults("sasrec", "tiny").tableMoments());
        UqaException e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of("encoder", "sasrec",
                "preset", "tiny", "table_moments", "column")));
        assertTrue(e.getMessage().contains("table_moments"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"4, 14", "3, 5"}) // killed in the second epoch; killed in the first, before any evaluation
    void resumeAfterAKillEndsLikeAnUninterruptedRun(int checkpointEvery, int killStep, @TempDir Path dir) {
        PretrainConfig config = tiny("sasrec").withEpochs(2).withCheckpointEvery(checkpointEvery);
        PretrainResult uninterrupted = run(config, dir.resolve("a"), TrainingListener.NONE, false);

        Path b = dir.resolve("b");
        RuntimeException kill = new RuntimeException("killed");
        assertThrows(RuntimeException.class, () -> run(config, b, new TrainingListener() {
            @Override
            public void onStep(StepEvent event) {
                if (event.step() == killStep) {
                    throw kill;
                }
            }
        }, false));
        PretrainResult resumed = run(config, b, TrainingListener.NONE, true);

        assertEquals(uninterrupted.epochMetrics(), resumed.epochMetrics());
        assertEquals(uninterrupted.epochLosses(), resumed.epochLosses());
        assertEquals(uninterrupted.steps(), resumed.steps());
        assertArrayEquals(states(dir.resolve("a")), states(b), 0f);
    }

    @Test
    void resumingWithAnotherConfigIsRefused(@TempDir Path dir) {
        PretrainConfig config = tiny("sasrec").withEpochs(1);
        run(config, dir, TrainingListener.NONE, false);
        UqaException e = assertThrows(UqaException.class, () -> run(config.withLearningRate(5e-3), dir,
                TrainingListener.NONE, true));
        assertTrue(e.getMessage().contains("another config"), e.getMessage());
    }

    @Test
    void aDivergingRunStopsWithTheStepAndAHint(@TempDir Path dir) {
        PretrainConfig config = tiny("sasrec").withLearningRate(1e30).withWarmupSteps(0).withCheckpointEvery(1);
        UqaException e = assertThrows(UqaException.class, () -> run(config, dir, TrainingListener.NONE, false));
        assertTrue(e.getMessage().contains("at step") && e.getMessage().contains("learningRate"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("last/model.safetensors")), "the last good checkpoint is kept");
    }

    @Test
    void aCorruptCheckpointIsAClearError(@TempDir Path dir) throws Exception {
        run(tiny("sasrec").withEpochs(1), dir, TrainingListener.NONE, false);
        Path model = dir.resolve("best/model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        UqaException e = assertThrows(UqaException.class, () -> EncoderCheckpoint.load(dir));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    @Test
    void weightsOfAnotherEncoderOrShapeAreRefused(@TempDir Path dir) throws Exception {
        run(tiny("sasrec").withEpochs(1), dir.resolve("sasrec"), TrainingListener.NONE, false);
        run(tiny("hstu").withEpochs(1), dir.resolve("hstu"), TrainingListener.NONE, false);
        Files.copy(dir.resolve("hstu/best/model.safetensors"), dir.resolve("sasrec/best/model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        UqaException e = assertThrows(UqaException.class, () -> EncoderCheckpoint.load(dir.resolve("sasrec")));
        assertTrue(e.getMessage().contains("does not belong to this model"), e.getMessage());

        // same encoder, other table sizes: the item table's shape differs
        Path other = dir.resolve("other");
        Pretrainer.run(tiny("sasrec").withEpochs(1), TableSizes.uniform(ITEMS + 5), ToyData.source(TRAIN),
                ToyData.source(EVAL), other, TrainingListener.NONE, false);
        Files.copy(other.resolve("best/model.safetensors"), dir.resolve("sasrec/best/model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = assertThrows(UqaException.class, () -> EncoderCheckpoint.load(dir.resolve("sasrec")));
        assertTrue(e.getMessage().contains("has shape [65, 64], the model expects [60, 64]"), e.getMessage());
    }

    @Test
    void anUnknownKeyInEncoderJsonIsNamed(@TempDir Path dir) throws Exception {
        run(tiny("sasrec").withEpochs(1), dir, TrainingListener.NONE, false);
        Path json = dir.resolve("best/encoder.json");
        Files.writeString(json, Files.readString(json).replaceFirst("\\{", "{\"hiddenSzie\": 3,"));
        UqaException e = assertThrows(UqaException.class, () -> EncoderCheckpoint.load(dir));
        assertTrue(e.getMessage().contains("hiddenSzie"), e.getMessage());
    }

    @Test
    void configErrorsNameTheKey() {
        UqaException e = assertThrows(UqaException.class, () -> tiny("sasrec").withBatchSize(0));
        assertTrue(e.getMessage().contains("'batch_size'"), e.getMessage());
        e = assertThrows(UqaException.class, () -> PretrainConfig.defaults("sasrex", "tiny"));
        assertTrue(e.getMessage().contains("unknown encoder 'sasrex'"), e.getMessage());
    }

    /** Final-position states of the evaluation users under the checkpoint in {@code dir/best}. */
    private static float[] states(Path dir) {
        LoadedEncoder loaded = EncoderCheckpoint.load(dir);
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor states = loaded.model().states(EventBatch.lastEvents(EVAL.subList(0, 4), 16)).contiguous();
            float[] out = new float[(int) states.numel()];
            states.data_ptr_float().get(out);
            return out;
        }
    }

    static SequenceSource source(List<UserSequence> users) {
        return ToyData.source(users);
    }
}
