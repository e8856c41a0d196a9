package dev.uqabench.nn;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Parameter registration that is safe under JavaCPP. */
public final class Params {

    private Params() {
    }

    /**
     * Registers {@code value} as parameter {@code name} of {@code owner} and returns {@code value}
     * itself. The tensor libtorch returns is a reference into the module's parameter table, which
     * moves when later parameters are registered; {@code value} shares the same storage and stays valid.
     */
    public static Tensor register(Module owner, String name, Tensor value) {
        owner.register_parameter(name, value);
        return value;
    }

    /**
     * An owning handle to a tensor that JavaCPP returned by reference (an element of a tensor
     * vector, tuple or dict): the reference dies with its container, the copy shares the storage
     * and autograd identity and lives on its own.
     */
    public static Tensor owned(Tensor reference) {
        return new Tensor(reference);
    }
}
