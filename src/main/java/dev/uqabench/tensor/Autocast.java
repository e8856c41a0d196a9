package dev.uqabench.tensor;

import org.bytedeco.pytorch.global.torch;

/**
 * A region of libtorch's CPU autocast in bf16 (what {@code torch.autocast("cpu", dtype=torch.bfloat16)} opens in
 * Python): inside it, matrix products, linear layers and attention run in bf16 on casts of their float32 inputs,
 * while reductions, softmax, norms and losses stay float32, and the weights, their gradients and the optimizer's
 * state remain float32 (mixed precision). Autocast is per thread; the region restores the thread's previous state
 * on close and drops the casts of the weights it cached (they go stale once the optimizer updates the weights).
 *
 * <p>Open it around the forward pass and the loss only; {@code backward()} runs outside, as in PyTorch.
 */
public final class Autocast implements AutoCloseable {

    private final boolean enabled;
    private final boolean previous;
    private final torch.ScalarType previousType;

    private Autocast(boolean enabled) {
        this.enabled = enabled;
        this.previous = torch.is_autocast_enabled(torch.DeviceType.CPU);
        this.previousType = torch.get_autocast_dtype(torch.DeviceType.CPU);
        if (enabled) {
            torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
            torch.set_autocast_enabled(torch.DeviceType.CPU, true);
        }
    }

    /** A bf16 autocast region when {@code precision} resolves to {@link Precision#BF16}, else one that changes nothing. */
    public static Autocast open(Precision precision) {
        return new Autocast(precision.resolve() == Precision.BF16);
    }

    /**
     * Turns this thread's autocast off until the returned region closes (then back to what it was): for an operation
     * whose dtype the caller chooses itself rather than autocast's list (attention that autograd differentiates runs in
     * float32, see {@code nn.FusedAttention}).
     */
    public static Suspended suspend() {
        boolean wasEnabled = torch.is_autocast_enabled(torch.DeviceType.CPU);
        if (wasEnabled) {
            torch.set_autocast_enabled(torch.DeviceType.CPU, false);
        }
        return new Suspended(wasEnabled);
    }

    /** A region with autocast off; {@link #close()} turns it back on where it was on. */
    public static final class Suspended implements AutoCloseable {
        private final boolean wasEnabled;

        private Suspended(boolean wasEnabled) {
            this.wasEnabled = wasEnabled;
        }

        @Override
        public void close() {
            if (wasEnabled) {
                torch.set_autocast_enabled(torch.DeviceType.CPU, true);
            }
        }
    }

    @Override
    public void close() {
        if (!enabled) {
            return;
        }
        torch.set_autocast_enabled(torch.DeviceType.CPU, previous);
        torch.set_autocast_dtype(torch.DeviceType.CPU, previousType);
        if (!previous) {
            torch.clear_cache();
        }
    }
}
