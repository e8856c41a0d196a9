package dev.uqabench.llm;

import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A decoder made by {@link Decoder#create} trains: gradients reach every weight and the loss falls. */
class DecoderTrainingTest {

    private static double step(Decoder d, Tensor ids, double learningRate) {
        try (PointerScope scope = new PointerScope()) {
            long t = ids.size(1);
            Tensor logits = d.forward(d.embed(ids), null);                                     // [B, T, V]
            Tensor predicted = logits.narrow(1, 0, t - 1).reshape(-1, logits.size(2)).log_softmax(-1);
            Tensor targets = ids.narrow(1, 1, t - 1).reshape(-1);
            Tensor loss = torch.nll_loss(predicted, targets, new TensorOptional(), 1, -100);   // mean
            loss.backward();
            double value = loss.item_double();
            try (NoGradGuard noGrad = new NoGradGuard()) {
                for (Tensor w : d.trainableParameters()) {
                    w.sub_(w.grad().mul(new Scalar(learningRate)));
                    w.grad().zero_();
                }
            }
            return value;
        }
    }

    @Test
    void plainSgdOnARepeatedSequenceLowersItsLossAndReachesEveryWeight() {
        try (PointerScope scope = new PointerScope()) {
            Decoder d = Decoder.create(TinyModels.qwen2(false), 9);
            assertEquals(d.stateDict().size(), d.trainableParameters().size());
            Tensor ids = Tensors.fromLongs(new long[][] {{3, 7, 11, 3, 7, 11, 3, 7, 11, 3}, {5, 9, 5, 9, 5, 9, 5, 9, 5, 9}});
            double first = step(d, ids, 0.5);
            for (Tensor w : d.trainableParameters()) assertTrue(w.grad().defined(), "every weight got a gradient");
            double last = first;
            for (int i = 0; i < 30; i++) last = step(d, ids, 0.5);
            assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
            d.freeze();
            assertEquals(0, d.trainableParameters().size());
            for (Tensor w : d.stateDict().values()) assertTrue(!w.grad().defined(), "freeze drops gradient buffers");
        }
    }
}
