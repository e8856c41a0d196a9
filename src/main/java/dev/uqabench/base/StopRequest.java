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

    private static final AtomicReference<String> REQUESTED = new AtomicReference<>();

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
        if (!REQUESTED.compareAndSet(null, signal + " " + exitStatus)) {
            Runtime.getRuntime().halt(exitStatus);   // a second signal: the user insists
        }
        System.err.println("[uqabench] " + signal + ": stopping at the next safe point (send it again to stop at once)");
    }

    /**
     * A stop the run asks of itself (one of two parallel lanes failed: the other stops at its next safe point);
     * true when this call made the request, which {@link #withdraw} then takes back.
     */
    public static boolean requestFromRun(String reason) {
        return REQUESTED.compareAndSet(null, reason.replace(' ', '_') + " 1");
    }

    /** Takes back a request {@link #requestFromRun} made. */
    public static void withdraw(String reason) {
        String current = REQUESTED.get();
        if ((reason.replace(' ', '_') + " 1").equals(current)) {
            REQUESTED.compareAndSet(current, null);
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
        String requested = REQUESTED.get();
        if (requested != null) {
            String[] parts = requested.split(" ");
            throw new Stopped("stopped by " + parts[0].replace('_', ' ') + " at " + where + "; rerun the same command to go on from there",
                    Integer.parseInt(parts[1]));
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
