package dev.uqabench.audit;

import dev.uqabench.qa.Subtask;

import java.util.List;

/**
 * The per-option figures blind solvers use: everything about an option except the user. Rows are
 * options, columns {@link #NAMES}; the first {@link #BASE} columns are the option's own figures, the
 * rest the same figures minus the question's mean, so a per-option classifier can compare options
 * within a question.
 */
public final class OptionFeatures {

    public static final List<String> NAMES = List.of("option_rate", "name_mean_rate", "name_max_rate",
            "log_distractor", "log_offered", "letter_share", "log_popularity_mean", "log_popularity_min",
            "count_lower_bound", "count_rank", "smallest_nonzero", "is_zero");
    public static final int BASE = NAMES.size();
    /** Columns that also get a centred copy. */
    private static final int[] CENTRED = {0, 1, 2, 3, 4, 6, 7};
    public static final int WIDTH = BASE + CENTRED.length;

    public static final int OPTION_RATE = 0;
    public static final int NAME_MEAN_RATE = 1;
    public static final int NAME_MAX_RATE = 2;
    public static final int LOG_DISTRACTOR = 3;
    public static final int LETTER_SHARE = 5;
    public static final int POPULARITY_MEAN = 6;
    public static final int COUNT_LOWER_BOUND = 8;

    private OptionFeatures() {
    }

    /** @param catalogue null when the data folder is unavailable (popularity columns are 0) */
    public static double[][] of(AuditQuestion q, OptionStats stats, Catalogue catalogue) {
        Subtask s = q.subtask();
        double[][] x = new double[4][WIDTH];
        long[] lower = new long[4];
        boolean numeric = true;
        for (int i = 0; i < 4; i++) {
            long[] range = OptionText.countRange(q.options().get(i));
            numeric &= range != null;
            lower[i] = range == null ? 0 : range[0];
        }
        for (int i = 0; i < 4; i++) {
            String option = q.options().get(i);
            double[] row = x[i];
            row[OPTION_RATE] = stats.optionRate(s, option);
            List<String> names = OptionText.names(s, option);
            double sum = 0;
            double max = 0;
            double popSum = 0;
            double popMin = Double.MAX_VALUE;
            for (String name : names) {
                double r = stats.nameRate(s, name);
                sum += r;
                max = Math.max(max, r);
                double pop = catalogue == null ? 0 : Math.log1p(popularity(catalogue, s, name));
                popSum += pop;
                popMin = Math.min(popMin, pop);
            }
            int n = Math.max(1, names.size());
            row[NAME_MEAN_RATE] = names.isEmpty() ? OptionStats.GLOBAL_PRIOR : sum / n;
            row[NAME_MAX_RATE] = names.isEmpty() ? OptionStats.GLOBAL_PRIOR : max;
            row[LOG_DISTRACTOR] = Math.log1p(stats.distractorCount(s, option));
            row[4] = Math.log1p(stats.offeredCount(s, option));
            row[LETTER_SHARE] = stats.letterShare(s, i);
            row[POPULARITY_MEAN] = popSum / n;
            row[7] = names.isEmpty() ? 0 : popMin;
            if (numeric) {
                row[COUNT_LOWER_BOUND] = Math.log1p(lower[i]);
                int rank = 0;
                long smallestNonZero = Long.MAX_VALUE;
                for (int j = 0; j < 4; j++) {
                    if (lower[j] < lower[i]) {
                        rank++;
                    }
                    if (lower[j] > 0) {
                        smallestNonZero = Math.min(smallestNonZero, lower[j]);
                    }
                }
                row[9] = rank / 3.0;
                row[10] = lower[i] == smallestNonZero ? 1 : 0;
                row[11] = lower[i] == 0 ? 1 : 0;
            }
        }
        for (int c = 0; c < CENTRED.length; c++) {
            int column = CENTRED[c];
            double mean = 0;
            for (double[] row : x) {
                mean += row[column] / 4;
            }
            for (double[] row : x) {
                row[BASE + c] = row[column] - mean;
            }
        }
        return x;
    }

    /** Catalogue clicks of a name: titles for item prediction, category/brand/shop names otherwise. */
    static long popularity(Catalogue catalogue, Subtask subtask, String name) {
        return subtask == Subtask.IP ? catalogue.count("title", name) : catalogue.attributeCount(name);
    }
}
