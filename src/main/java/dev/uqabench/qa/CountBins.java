package dev.uqabench.qa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Four count ranges for mf questions, cut at the quartiles of the alignment set's answers, so that
 * every question of a kind offers the same four ranges and no value, rank or spacing of the
 * options tells which one is right. Where ties keep the quartiles apart (many counts of 1), each
 * question is kept with probability {@code min share / its range's share}, which makes the four
 * ranges equally often right.
 */
final class CountBins {

    /** Inclusive lower bounds of the four ranges; the last range is open. */
    private final int[] lower;
    private final double[] acceptance;

    private CountBins(int[] lower, double[] acceptance) {
        this.lower = lower;
        this.acceptance = acceptance;
    }

    /** Ranges from observed answers (all >= 1), or null when they hold fewer than four distinct values. */
    static CountBins fit(List<Integer> answers) {
        List<Integer> sorted = new ArrayList<>(answers);
        Collections.sort(sorted);
        if (sorted.isEmpty() || sorted.get(0) < 1 || sorted.stream().distinct().count() < 4) {
            return null;
        }
        int n = sorted.size();
        int[] lower = new int[4];
        lower[0] = 1;
        for (int b = 1; b < 4; b++) {
            // the first value at or above the b-th quartile starts range b, unless it would leave range b-1 empty
            int cut = sorted.get(Math.min(n - 1, (int) Math.round(n * b / 4.0)));
            lower[b] = Math.max(cut, lower[b - 1] + 1);
        }
        int distinctAbove = (int) sorted.stream().filter(v -> v >= lower[3]).distinct().count();
        if (lower[3] > sorted.get(n - 1) || distinctAbove == 0) {
            return null;
        }
        double[] share = new double[4];
        for (int v : sorted) {
            share[binOf(lower, v)] += 1.0 / n;
        }
        double min = Double.MAX_VALUE;
        for (double s : share) {
            min = Math.min(min, s);
        }
        if (min == 0) {
            return null;
        }
        double[] acceptance = new double[4];
        for (int b = 0; b < 4; b++) {
            acceptance[b] = min / share[b];
        }
        return new CountBins(lower, acceptance);
    }

    private static int binOf(int[] lower, int value) {
        int bin = 0;
        for (int b = 1; b < 4; b++) {
            if (value >= lower[b]) {
                bin = b;
            }
        }
        return bin;
    }

    int binOf(int value) {
        return binOf(lower, value);
    }

    /** Whether a question whose answer lies in {@code bin} is kept (draws from {@code rng}). */
    boolean keep(int bin, Random rng) {
        return rng.nextDouble() < acceptance[bin];
    }

    /** "lo-hi", "lo" for a one-value range, "lo+" for the last one. */
    String label(int bin) {
        if (bin == 3) {
            return lower[3] + "+";
        }
        int hi = lower[bin + 1] - 1;
        return hi == lower[bin] ? String.valueOf(hi) : lower[bin] + "-" + hi;
    }

    List<String> labels() {
        return List.of(label(0), label(1), label(2), label(3));
    }
}
