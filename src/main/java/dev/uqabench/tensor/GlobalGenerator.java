package dev.uqabench.tensor;

/**
 * libtorch's global CPU generator is one per process: code that seeds it ({@code torch.manual_seed}) and then
 * draws from it (a module's default initialisation, {@code randn}) holds {@link #LOCK} for both, so that two
 * stages running side by side ({@code run.Lanes}) never draw each other's numbers. Training code that draws
 * from it at every step (dropout) never runs beside another such stage.
 */
public final class GlobalGenerator {

    public static final Object LOCK = new Object();

    private GlobalGenerator() {
    }
}
