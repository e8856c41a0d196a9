package dev.uqabench.base;

import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM and SIGINT stop a run at a safe point instead of killing the JVM under a running libtorch kernel (1 in 9
 * SIGTERMs during training once ended in a native crash). The signal only records the request; training steps,
 * evaluations and stage starts {@link #check} it and stop by throwing {@link Stopped}, which leaves a resumable
 * partial stage. A second signal, or no safe point within {@link #GRACE_SECONDS}, ends the process at once.
 */
public final class StopRequest {

    /** Seconds a stop may wait for the next safe point before the process is halted. */
    public static final int GRACE_SECONDS = 120;
    /** Exit status of a rank that stops because another rank of its group was asked to (128 + SIGTERM). */
    public static final int AGREED_STATUS = 143;
    /** A different signal this soon after the first is the same request (Ctrl-C reaches launch and its ranks). */
    private static final long SAME_REQUEST_NANOS = 2_000_000_000L;
    private static volatile long firstSignalAt;

    /** Who asked to stop (a signal's name, or the run itself) and the exit status the stop ends with. */
    public record Request(String by, int exitStatus, boolean fromRun) {
    }

    private static final AtomicReference<Request> REQUESTED = new AtomicReference<>();

    private StopRequest() {
    }

    /** The user asked the run to stop: a user error with exit status 128 + the signal's number. */
    public static final class Stopped extends UqaException {
        private final int exitStatus;

        Stopped(String message, int exitStatus) {
            super(message);
            this.exitStatus = exitStatus;
        }

        public int exitStatus() {
            return exitStatus;
        }
    }

    /** Installs the handlers (once per process; the CLI does it). */
    public static void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    request("SIG" + signal.getName(), 128 + signal.getNumber());
                    startWatchdog(128 + signal.getNumber());
                });
            } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                // the JVM keeps its default handling of this signal
            }
        }
    }

    /** Records a stop request (what a signal does); tests call it directly. */
    public static void request(String signal, int exitStatus) {
        Request current = REQUESTED.get();
        boolean recorded = current == null ? REQUESTED.compareAndSet(null, new Request(signal, exitStatus, false))
                : current.fromRun() && REQUESTED.compareAndSet(current, new Request(signal, exitStatus, false));
        if (recorded) {
            firstSignalAt = System.nanoTime();
        } else if (current != null && !current.by().equals(signal)
                && System.nanoTime() - firstSignalAt < SAME_REQUEST_NANOS) {
            return;   // Ctrl-C reached this rank from the terminal and again from launch: one request
        } else {
            Runtime.getRuntime().halt(exitStatus);   // a second signal: the user insists
        }
        System.err.println("[uqabench] " + signal + ": stopping at the next safe point (send it again to stop at once)");
    }

    /**
     * A stop the run asks of itself (one of two parallel lanes failed: the other stops at its next safe point);
     * the request this call made, which {@link #withdraw} then takes back, or null when a stop was already requested.
     * A signal that comes later replaces it (and counts as the user's first).
     */
    public static Request requestFromRun(String reason) {
        return requestFromRun(reason, 1);
    }

    /** {@link #requestFromRun(String)} with the exit status the stopped run should end with. */
    public static Request requestFromRun(String reason, int exitStatus) {
        Request request = new Request(reason, exitStatus, true);
        return REQUESTED.compareAndSet(null, request) ? request : null;
    }

    /** Takes back a request {@link #requestFromRun} made, unless a signal has replaced it. */
    public static void withdraw(Request request) {
        if (request != null) {
            REQUESTED.compareAndSet(request, null);
        }
    }

    private static void startWatchdog(int exitStatus) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(GRACE_SECONDS * 1000L);
                System.err.println("[uqabench] no safe point within " + GRACE_SECONDS + " s: stopping now");
                Runtime.getRuntime().halt(exitStatus);
            } catch (InterruptedException ignored) {
                // the run stopped in time
            }
        }, "uqabench-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Throws {@link Stopped} when a stop was requested; {@code where} says what was interrupted. */
    public static void check(String where) {
        Request requested = REQUESTED.get();
        if (requested != null) {
            throw new Stopped("stopped by " + requested.by() + " at " + where + "; rerun the same command to go on from there",
                    requested.exitStatus());
        }
    }

    /** Whether a stop was requested: a trainer saves its resumable checkpoint before the safe point stops it. */
    public static boolean isRequested() {
        return REQUESTED.get() != null;
    }

    /** Forgets a request (tests). */
    public static void clear() {
        REQUESTED.set(null);
    }
}
