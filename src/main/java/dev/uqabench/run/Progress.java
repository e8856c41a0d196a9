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

    public final class Ticker {
        private final String label;
        private final long total;
        private final String unit;
        private final long start = System.nanoTime();
        private long lastPrint = 0;

        private Ticker(String label, long total, String unit) {
            this.label = label;
            this.total = total;
            this.unit = unit;
        }

        /** Reports progress {@code done} of {@code total}; {@code extra} is appended (e.g. loss). */
        public void update(long done, double units, String extra) {
            long now = System.nanoTime();
            if (now - lastPrint < 2_000_000_000L && done < total) {
                return;
            }
            lastPrint = now;
            double seconds = (now - start) / 1e9;
            double rate = units / Math.max(seconds, 1e-9);
            double eta = done > 0 ? seconds * (total - done) / done : Double.NaN;
            message(String.format(Locale.ROOT, "%s %d/%d  %.0f %s/s  ETA %.0f s  %s",
                    label, done, total, rate, unit, eta, extra == null ? "" : extra));
        }
    }
}
