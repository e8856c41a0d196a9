package dev.uqabench.run;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines for long stages: a message, or a counter with rate and ETA. */
public final class Progress {

    private final PrintStream out;
    private final boolean quiet;

    public Progress(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    public static Progress silent() {
        return new Progress(System.err, true);
    }

    public void message(String line) {
        if (!quiet) {
            out.println("[uqabench] " + line);
            out.flush();
        }
    }

    /** A step counter: prints at most every {@code minSeconds}, and at the end. */
    public Ticker ticker(String label, long total, String unit) {
        return new Ticker(label, total, unit);
    }

    /**
     * Rate and ETA are measured from the first update (its counts and time are the baseline), so a stage resumed at
     * step 93 of 178 shows the rate of the steps this process ran, not 93 steps over the first few milliseconds.
     */
    public final class Ticker {
        private final String label;
        private final long total;
        private final String unit;
        private long baseTime;
        private long baseDone = -1;
        private double baseUnits;
        private long lastPrint;

        private Ticker(String label, long total, String unit) {
            this.label = label;
            this.total = total;
            this.unit = unit;
        }

        /** Reports progress {@code done} of {@code total}; {@code extra} is appended (e.g. loss). */
        public void update(long done, double units, String extra) {
            long now = System.nanoTime();
            if (baseDone < 0) {
                baseTime = now;
                baseDone = done;
                baseUnits = units;
                lastPrint = now;
                if (done < total) {
                    return;
                }
            }
            if (now - lastPrint < 2_000_000_000L && done < total) {
                return;
            }
            lastPrint = now;
            message(line(done, units, (now - baseTime) / 1e9, extra));
        }

        /** The progress line {@code seconds} after the first update. */
        String line(long done, double units, double seconds, String extra) {
            boolean measured = done > baseDone && seconds > 0;
            String rate = measured ? String.format(Locale.ROOT, "%.0f", (units - baseUnits) / seconds) : "-";
            String eta = measured ? String.format(Locale.ROOT, "%.0f", seconds * (total - done) / (done - baseDone)) : "-";
            return String.format(Locale.ROOT, "%s %d/%d  %s %s/s  ETA %s s  %s", label, done, total, rate, unit, eta,
                    extra == null ? "" : extra);
        }
    }
}
