package dev.uqabench.align;

import dev.uqabench.data.UserSequence;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** A pretrained user encoder as the alignment stage sees it: sequences in, states out. */
public interface StateEncoder {

    /** Right-padded states {@code [batch, time, hidden]} and valid lengths {@code [batch]}. */
    Encoded encode(List<UserSequence> sequences);

    int hiddenSize();

    /** The module holding the encoder's parameters (tuned in adapter + encoder mode). */
    Module module();

    record Encoded(Tensor states, Tensor lengths) {

        /** One zero state per row, length 1: what an adapter that does not {@link Adapter#readsStates read} gets. */
        public static Encoded placeholder(int batch, int hidden) {
            long[] ones = new long[batch];
            java.util.Arrays.fill(ones, 1L);
            return new Encoded(org.bytedeco.pytorch.global.torch.zeros(batch, 1, hidden),
                    dev.uqabench.tensor.Tensors.fromLongs(ones, batch));
        }
    }

    /**
     * The states the adapter reads: the encoder's, or a placeholder when the adapter ignores them (no
     * forward pass). Gradients flow to the encoder only when {@code tuneEncoder}.
     */
    static Encoded forAdapter(StateEncoder encoder, Adapter adapter, List<UserSequence> sequences,
                              boolean tuneEncoder) {
        if (!adapter.readsStates()) {
            return Encoded.placeholder(sequences.size(), encoder.hiddenSize());
        }
        if (tuneEncoder) {
            return encoder.encode(sequences);
        }
        try (org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            return encoder.encode(sequences);
        }
    }
}
