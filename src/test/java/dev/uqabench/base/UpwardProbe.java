package dev.uqabench.base;

/** A deliberate floor violation, test code only: FloorsTest shows its rule catches a ground-floor class using run. */
public final class UpwardProbe {

    /** Reaches up from base to run. */
    public static Class<?> upward() {
        return dev.uqabench.run.Pipeline.class;
    }

    private UpwardProbe() {
    }
}
