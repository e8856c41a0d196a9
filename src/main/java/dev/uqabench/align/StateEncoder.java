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
    }
}
