package dev.uqabench.run;

import dev.uqabench.base.StopRequest;
import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.NativeThreads;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Two independent chains of stages at once, each on one core. The tiny models' stages run on one
 * OpenBLAS thread and gain little from a second libtorch thread, so on a 2-core machine the stages a
 * run can do side by side (pretraining beside the LLM; an alignment beside its
 * learned-prompt control; evaluations beside either) finish in about the time of the longer chain.
 *
 * <p>Results do not depend on the lanes: every stage is seeded by its own inputs, draws from its own
 * generators or holds {@link dev.uqabench.tensor.GlobalGenerator#LOCK} while it seeds and draws from libtorch's global one,
 * and runs on one intra-op thread with one lane or two (set per thread: OpenMP keeps the count per thread).
 * When a chain fails, the other is asked to stop at its next safe point and the first failure is thrown.
 */
public final class Lanes {

    private static final String OTHER_LANE_FAILED = "the other lane's failure";

    private final int lanes;

    /** @param lanes 1 (one chain after the other) or 2 */
    public Lanes(int lanes) {
        if (lanes < 1 || lanes > 2) {
            throw new IllegalArgumentException("lanes must be 1 or 2, got " + lanes);
        }
        this.lanes = lanes;
    }

    /** The configured number of lanes ({@code lanes} key), or {@link #forMachine} when it is absent. */
    public static Lanes of(Integer configured) {
        return configured == null ? forMachine() : new Lanes(configured);
    }

    /** Two lanes where the machine has at least two cores, else one. */
    public static Lanes forMachine() {
        return new Lanes(Runtime.getRuntime().availableProcessors() >= 2 ? 2 : 1);
    }

    public int count() {
        return lanes;
    }

    /** The results of two chains. */
    public record Both<A, B>(A first, B second) {
    }

    /** Runs {@code first} on this thread and {@code second} beside it (or after it, with one lane). */
    public <A, B> Both<A, B> both(Supplier<A> first, Supplier<B> second) {
        NativeThreads.setIntraOpThreads(1);
        if (lanes == 1) {
            A a = first.get();
            return new Both<>(a, second.get());
        }
        AtomicReference<B> secondResult = new AtomicReference<>();
        AtomicReference<Throwable> secondFailure = new AtomicReference<>();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        AtomicReference<StopRequest.Request> stop = new AtomicReference<>();
        Thread other = new Thread(() -> {
            NativeThreads.setIntraOpThreads(1);
            try {
                secondResult.set(second.get());
            } catch (Throwable t) {
                secondFailure.set(t);
                stopOther(firstFailure, t, stop);
            }
        }, "uqabench-lane-2");
        other.start();
        A a = null;
        try {
            a = first.get();
        } catch (Throwable t) {
            firstFailure.set(t);
            stopOther(secondFailure, t, stop);
        }
        joinUninterruptibly(other);
        StopRequest.withdraw(stop.get());
        Throwable failure = pick(firstFailure.get(), secondFailure.get());
        if (failure != null) {
            throwUnchecked(failure);
        }
        return new Both<>(a, secondResult.get());
    }

    /** Asks the other lane to stop at its next safe point, unless it already failed or a stop was requested. */
    private static void stopOther(AtomicReference<Throwable> otherFailure, Throwable cause,
                                  AtomicReference<StopRequest.Request> made) {
        if (otherFailure.get() == null && !(cause instanceof StopRequest.Stopped)) {
            made.set(StopRequest.requestFromRun(OTHER_LANE_FAILED));
        }
    }

    /** The failure to report: a real one before a stop that it caused. */
    private static Throwable pick(Throwable first, Throwable second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        Throwable main = first instanceof StopRequest.Stopped && !(second instanceof StopRequest.Stopped) ? second : first;
        main.addSuppressed(main == first ? second : first);
        return main;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void throwUnchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new UqaException(t.getMessage(), t);
    }
}
