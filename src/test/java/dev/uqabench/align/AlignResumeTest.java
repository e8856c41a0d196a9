package dev.uqabench.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.StopRequest;
import dev.uqabench.base.UqaException;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.ToyData;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.DecoderConfig;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.train.StepEvent;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An interrupted alignment goes on from its resumable checkpoint and ends with the same weights, byte for byte, as
 * an uninterrupted one (which writes no checkpoint at all), whatever it trains and wherever it was interrupted.
 */
class AlignResumeTest {

    private static final int ITEMS = 30;
    private static final List<UserSequence> USERS = ToyData.strideUsers(30, ITEMS, 5, 12, 1);
    /** Dropout 0.1: the encoder's dropout draws from the global generator when it trains too. */
    private static final PretrainConfig ENCODER = PretrainConfig.defaults("sasrec", "mini").withMaxLength(12).withSeed(5);
    private static final DecoderConfig LLM = DecoderConfig.qwen2(20, 32, 48, 2, 4, 2, 128, false);
    /** 6 steps an epoch (24 questions, batch 4), 3 epochs. */
    private static final List<AlignTrainer.Example> EXAMPLES = examples(USERS.subList(0, 24), 1);
    private static final List<AlignTrainer.Example> VALIDATION = examples(USERS.subList(24, 30), 2);
    private static final long SEED = 11;

    @TempDir
    Path dir;

    private static List<AlignTrainer.Example> examples(List<UserSequence> users, long seed) {
        Random random = new Random(seed);
        List<AlignTrainer.Example> out = new ArrayList<>();
        for (UserSequence user : users) {
            long[] prompt = new long[3 + random.nextInt(4)];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = 1 + random.nextInt(19);
            }
            long last = user.events().get(user.length() - 1).item();
            out.add(new AlignTrainer.Example(user, prompt, new long[] {1 + last % 19, 1 + (last + 1) % 19}));
        }
        return out;
    }

    private static AlignConfig config(AlignConfig.AdapterKind kind, AlignConfig.Mode mode, int checkpointEvery) {
        return new AlignConfig(kind, 2, mode, 3, 4, 1e-2, 1e-3, 0.1, 1.0).withCheckpointEvery(checkpointEvery);
    }

    /** What a run leaves: its result and the bytes of the adapter's (and the tuned encoder's) weights. */
    private record Outcome(AlignTrainer.Result result, byte[] adapter, byte[] encoder) {
    }

    private Outcome align(String name, AlignConfig config, TrainingListener listener, Path checkpoints)
            throws Exception {
        ToyStateEncoder encoder = new ToyStateEncoder(ENCODER, ITEMS);
        Decoder llm = Decoder.create(LLM, 3);
        llm.freeze();
        Adapter adapter = AdapterCheckpoint.create(config, encoder.hiddenSize(), LLM.hiddenSize(), SEED);
        AlignTrainer.Result result = AlignTrainer.train(adapter, encoder, llm, EXAMPLES, VALIDATION, config, 0, SEED,
                listener, checkpoints);
        Path folder = Files.createDirectories(dir.resolve(name));
        AlignFolder.save(folder, adapter, encoder, config, LLM.hiddenSize());
        byte[] tuned = config.mode() == AlignConfig.Mode.ADAPTER_AND_ENCODER
                ? Files.readAllBytes(folder.resolve(AlignFolder.TUNED_ENCODER)) : new byte[0];
        return new Outcome(result, Files.readAllBytes(folder.resolve(AdapterCheckpoint.WEIGHTS)), tuned);
    }

    private static TrainingListener failingAt(int step) {
        return new TrainingListener() {
            @Override
            public void onStep(StepEvent event) {
                if (event.step() == step) {
                    throw new IllegalStateException("killed at step " + step);
                }
            }
        };
    }

    @ParameterizedTest
    @CsvSource({
            "meanpool, adapter_only, 4, 10, 8, fp32",          // in the second epoch, after a best epoch was chosen
            "qformer, adapter_and_encoder, 2, 3, 2, fp32",     // in the first epoch, the encoder's dropout drawing
            "learned_prompt, adapter_only, 0, 14, 12, fp32",   // epoch-end checkpoints only
            "meanpool, adapter_only, 6, 13, 12, fp32",         // a periodic checkpoint on an epoch's last step
            "qformer, adapter_and_encoder, 4, 10, 8, bf16"})   // bf16 autocast: as deterministic as float32
    void anInterruptedAlignmentResumesAndEndsByteIdentical(String kind, String mode, int every, int killStep,
                                                           int resumedStep, String precision) throws Exception {
        AlignConfig config = config(AlignConfig.AdapterKind.valueOf(kind.toUpperCase()),
                AlignConfig.Mode.valueOf(mode.toUpperCase()), every)
                .withPrecision(dev.uqabench.tensor.Precision.valueOf(precision.toUpperCase()));
        Outcome uninterrupted = align("a", config, TrainingListener.NONE, null);

        Path checkpoints = dir.resolve("b-last");
        assertThrows(IllegalStateException.class, () -> align("b", config, failingAt(killStep), checkpoints));
        assertEquals(resumedStep, AlignTrainerState.find(checkpoints).orElseThrow().step());
        Outcome resumed = align("b", config, TrainingListener.NONE, checkpoints);

        assertEquals(resumedStep, resumed.result().resumedFromStep());
        assertTrue(java.util.Arrays.equals(uninterrupted.adapter(), resumed.adapter()), "adapter weights differ");
        assertTrue(java.util.Arrays.equals(uninterrupted.encoder(), resumed.encoder()), "tuned encoder weights differ");
        assertEquals(uninterrupted.result().validationLosses(), resumed.result().validationLosses());
        assertEquals(uninterrupted.result().bestEpoch(), resumed.result().bestEpoch());
        assertEquals(uninterrupted.result().lossAverage(), resumed.result().lossAverage());
        assertEquals(0, uninterrupted.result().checkpoints().written());
        assertTrue(resumed.result().checkpoints().bytes() > 0);
    }

    /** bf16 autocast aligns about as well as float32 (validation answer loss), with float32 adapter weights. */
    @Test
    void bf16AlignsLikeFloat32() throws Exception {
        AlignConfig fp32 = config(AlignConfig.AdapterKind.QFORMER, AlignConfig.Mode.ADAPTER_AND_ENCODER, 0);
        Outcome exact = align("fp32", fp32, TrainingListener.NONE, null);
        Outcome bf16 = align("bf16", fp32.withPrecision(dev.uqabench.tensor.Precision.BF16), TrainingListener.NONE, null);
        List<Double> a = exact.result().validationLosses();
        List<Double> b = bf16.result().validationLosses();
        assertEquals(a.get(a.size() - 1), b.get(b.size() - 1), 0.05 * a.get(a.size() - 1), a + " vs " + b);
        assertTrue(!a.equals(b), "bf16 computed exactly the float32 losses: autocast did not apply");
        for (org.bytedeco.pytorch.Tensor w : dev.uqabench.tensor.Safetensors.read(dir.resolve("bf16")
                .resolve(AdapterCheckpoint.WEIGHTS)).values()) {
            assertEquals(org.bytedeco.pytorch.global.torch.ScalarType.Float, w.scalar_type().intern());
        }
    }

    /** A stop request (SIGTERM) saves the checkpoint of the step it stops after: no step is lost. */
    @Test
    void aStopRequestLeavesTheCheckpointOfTheStepItStopsAt() throws Exception {
        AlignConfig config = config(AlignConfig.AdapterKind.MEANPOOL, AlignConfig.Mode.ADAPTER_ONLY, 0);
        Path checkpoints = dir.resolve("last");
        try {
            TrainingListener stopAt7 = TrainingListener.onSteps(step -> {
                if (step.step() == 7) {
                    StopRequest.request("SIGTERM", 143);
                }
            });
            StopRequest.Stopped stopped = assertThrows(StopRequest.Stopped.class,
                    () -> align("b", config, stopAt7, checkpoints));
            assertTrue(stopped.getMessage().contains("align step 8 of 18"), stopped.getMessage());
        } finally {
            StopRequest.clear();
        }
        AlignTrainerState state = AlignTrainerState.find(checkpoints).orElseThrow();
        assertEquals(8, state.step());
        assertEquals(2, state.epoch());
        assertEquals(2, state.stepInEpoch());
        assertEquals(1, state.validationLosses().size());
        Outcome resumed = align("b", config, TrainingListener.NONE, checkpoints);
        assertTrue(java.util.Arrays.equals(align("a", config, TrainingListener.NONE, null).adapter(), resumed.adapter()));
    }

    @Test
    void aCheckpointOfAnotherAlignmentIsRefusedNamingItsFolder() throws Exception {
        AlignConfig config = config(AlignConfig.AdapterKind.MEANPOOL, AlignConfig.Mode.ADAPTER_ONLY, 2);
        Path checkpoints = dir.resolve("last");
        assertThrows(IllegalStateException.class, () -> align("b", config, failingAt(3), checkpoints));
        AlignConfig other = new AlignConfig(config.adapter(), config.queryTokens(), config.mode(), config.epochs(),
                config.batchSize(), 5e-3, config.encoderLearningRate(), config.warmupFraction(), config.clipNorm())
                .withCheckpointEvery(2);
        UqaException e = assertThrows(UqaException.class, () -> align("c", other, TrainingListener.NONE, checkpoints));
        assertTrue(e.getMessage().contains("cannot resume the alignment from " + checkpoints)
                && e.getMessage().contains("another config"), e.getMessage());
    }

    @Test
    void aCorruptTrainerStateIsAClearError() throws Exception {
        Path checkpoints = Files.createDirectories(dir.resolve("last"));
        Files.writeString(checkpoints.resolve(AlignTrainerState.FILE), "{\"step\": ");
        UqaException e = assertThrows(UqaException.class, () -> align("b",
                config(AlignConfig.AdapterKind.MEANPOOL, AlignConfig.Mode.ADAPTER_ONLY, 2), TrainingListener.NONE,
                checkpoints));
        assertTrue(e.getMessage().contains(checkpoints.resolve(AlignTrainerState.FILE).toString()), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
