package dev.uqabench.llm;

import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The split of weights from the forward pass: weights made once, read (never copied) by any decoder over them. */
class DecoderWeightsTest {

    @Test
    void initialisedWeightsAreTrainableInCheckpointOrderAndTheSameForTheSameSeed() {
        try (PointerScope scope = new PointerScope()) {
            DecoderConfig config = TinyModels.qwen2(false);
            DecoderWeights weights = DecoderWeights.initialised(config, 3);
            assertEquals(List.copyOf(DecoderWeights.expectedShapes(config).keySet()), List.copyOf(weights.byName().keySet()));
            assertEquals(weights.byName().size(), weights.trainable().size());
            DecoderWeights again = DecoderWeights.initialised(config, 3);
            weights.byName().forEach((name, w) ->
                    assertTrue(w.equal(again.byName().get(name)), name + " differs for the same seed"));
            weights.freeze();
            assertTrue(weights.trainable().isEmpty());
        }
    }

    @Test
    void decodersOverTheSameWeightsShareThemAndAgree() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            DecoderConfig config = TinyModels.qwen2(true);
            DecoderWeights trained = DecoderWeights.initialised(config, 5);
            DecoderWeights frozen = DecoderWeights.of(config, trained.byName(), ScalarType.Float, List.of());
            assertTrue(frozen.trainable().isEmpty(), "weights of a checkpoint are frozen");
            Decoder a = new Decoder(frozen);
            Decoder b = new Decoder(frozen);
            assertSame(a.weights(), b.weights());
            assertSame(a.stateDict().get("model.embed_tokens.weight"), frozen.byName().get("model.embed_tokens.weight"));
            assertFalse(a.stateDict().containsKey("lm_head.weight"), "a tied head is not repeated");
            long[][] ids = {{3, 7, 11, 2}};
            Tensor la = a.forward(a.embed(Tensors.fromLongs(ids)), null);
            Tensor lb = b.forward(b.embed(Tensors.fromLongs(ids)), null);
            assertArrayEquals(Tensors.toFloats(la), Tensors.toFloats(lb));
            assertEquals(trained.parameterCount(), a.parameterCount());
        }
    }

    /** The finite check counts every bad value, in whichever of its slices it lies (the last one shorter). */
    @Test
    void nonFiniteValuesAreCountedAcrossSlices() {
        try (PointerScope scope = new PointerScope()) {
            long n = (1L << 22) + 6;
            Tensor w = org.bytedeco.pytorch.global.torch.zeros(n).view(2, n / 2).to(ScalarType.BFloat16);
            Tensor flat = w.view(-1);
            flat.narrow(0, 3, 1).fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
            flat.narrow(0, (1L << 22) + 2, 1).fill_(new org.bytedeco.pytorch.Scalar(Double.POSITIVE_INFINITY));
            dev.uqabench.base.UqaException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.uqabench.base.UqaException.class, () -> DecoderWeights.requireFinite("f", "w", w));
            assertEquals("f: tensor 'w' holds 2 NaN or infinite values of " + n
                    + ": the checkpoint is damaged (or was saved from a diverged run)", e.getMessage());
            flat.narrow(0, 3, 1).fill_(new org.bytedeco.pytorch.Scalar(0.0));
            flat.narrow(0, (1L << 22) + 2, 1).fill_(new org.bytedeco.pytorch.Scalar(1.0));
            DecoderWeights.requireFinite("f", "w", w);
        }
    }
}
