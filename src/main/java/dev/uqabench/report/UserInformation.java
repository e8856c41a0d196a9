package dev.uqabench.report;

import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Prediction;
import dev.uqabench.eval.PredictionsJsonl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The report's headline: does the embedding carry information about <em>this</em> user? A trained
 * adapter can act as a learned fixed prompt, so the embedding is compared with its shuffled-user
 * control (the same adapter fed another test user's history), not only with the question alone.
 * Shown beside the text baseline's gain over the question alone, and the learned prompt against
 * the shuffled control (what a prompt with no user information already gets). Every difference is
 * tested with McNemar's exact test on the paired predictions of the same questions.
 */
public final class UserInformation {

    /** File of an eval folder holding the predictions compared. */

    private UserInformation() {
    }

    /** The eval folders of the main comparisons on one seed. */
    public record SeedEvals(long seed, Path embedding, Path shuffled, Path learnedPrompt) {
    }

    /** Variant A minus variant B on the questions {@code metric} counts. */
    public record Difference(String a, String b, double accuracyA, double accuracyB, Significance.Paired test) {

        public double points() {
            return accuracyA - accuracyB;
        }

        /** A positive difference beyond noise (McNemar p below 5 %). */
        public boolean holds() {
            return points() > 0 && !test.withinNoise();
        }

        public String describe() {
            return String.format(Locale.ROOT, "%s %.1f − %s %.1f = %+.1f points (McNemar p = %.3g, %d vs %d discordant) — %s",
                    a, accuracyA, b, accuracyB, points(), test.pValue(), test.onlyA(), test.onlyB(),
                    test.withinNoise() ? "**within noise**" : "significant at 5 %");
        }
    }

    public static Difference difference(String metric, String a, Path evalA, String b, Path evalB) {
        List<Prediction> pa = counted(metric, PredictionsJsonl.read(evalA.resolve(PredictionsJsonl.FILE)));
        List<Prediction> pb = counted(metric, PredictionsJsonl.read(evalB.resolve(PredictionsJsonl.FILE)));
        return new Difference(a, b, accuracy(pa), accuracy(pb), Significance.mcnemar(pa, pb));
    }

    private static double accuracy(List<Prediction> predictions) {
        return 100.0 * predictions.stream().filter(Prediction::correct).count() / Math.max(1, predictions.size());
    }

    /**
     * The headline section in Markdown.
     *
     * @param embedding the embedding variant's name (its control is {@code <embedding>-shuffled})
     * @param text      the text baseline compared with {@code none} (null when the run has none)
     */
    public static String section(String metric, String embedding, List<SeedEvals> seeds, String text, Path textEval,
                                 Path noneEval) {
        String shuffled = embedding + "-shuffled";
        List<Difference> gains = new ArrayList<>();
        List<Difference> prompts = new ArrayList<>();
        List<Difference> overNone = new ArrayList<>();
        for (SeedEvals s : seeds) {
            gains.add(difference(metric, embedding, s.embedding(), shuffled, s.shuffled()));
            prompts.add(difference(metric, "learned-prompt", s.learnedPrompt(), shuffled, s.shuffled()));
            overNone.add(difference(metric, embedding, s.embedding(), "none", noneEval));
        }
        Difference textGain = text == null ? null : difference(metric, text, textEval, "none", noneEval);
        StringBuilder sb = new StringBuilder("## Does the embedding carry information about this user?\n\n");
        sb.append("Accuracy on **").append(metric).append("**. `").append(shuffled).append("` answers each test user's "
                + "questions with the same trained adapter fed *another* test user's full history (a seeded derangement: "
                + "no user keeps its own); `learned-prompt` is the same number of soft tokens trained by the same recipe "
                + "from no user information. Only the difference to the shuffled control shows information about the user: "
                + "a gain over `none` alone can be a learned fixed prompt. Differences are taken before rounding; p is the "
                + "two-sided exact McNemar test on the questions where the two variants disagree.\n\n");
        Difference g0 = gains.get(0);
        if (seeds.size() == 1) {
            sb.append("- **User-information gain**: ").append(g0.describe()).append(".\n");
        } else {
            sb.append("- **User-information gain** (").append(embedding).append(" − ").append(shuffled).append("): ")
                    .append(meanSd(gains, Difference::points, true)).append(" points over ").append(seeds.size())
                    .append(" seeds; ").append(verdict(gains)).append(".\n");
        }
        if (textGain != null) {
            sb.append("- Text baseline gain: ").append(textGain.describe()).append(seeds.size() > 1
                    ? " (the same on every seed: data, questions and LLM are shared).\n" : ".\n");
        }
        if (seeds.size() == 1) {
            sb.append("- Learned prompt vs shuffled user: ").append(prompts.get(0).describe()).append(".\n");
            sb.append("- Embedding vs question only: ").append(overNone.get(0).describe()).append(".\n");
        } else {
            sb.append("- Learned prompt − shuffled user: ").append(meanSd(prompts, Difference::points, true)).append(" points; ")
                    .append(verdict(prompts)).append(".\n");
            sb.append("- Embedding − question only: ").append(meanSd(overNone, Difference::points, true)).append(" points; ")
                    .append(verdict(overNone)).append(".\n");
        }
        if (seeds.size() > 1) {
            sb.append("\nPer seed (a seed changes pretraining and alignment initialisation and order; data, questions "
                    + "and the LLM are shared, so `none` and text baselines are the same on every seed):\n\n");
            sb.append("| seed | ").append(embedding).append(" | ").append(shuffled)
                    .append(" | learned-prompt | user-information gain | p | learned-prompt − shuffled | p |\n");
            sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (int i = 0; i < seeds.size(); i++) {
                Difference g = gains.get(i);
                Difference p = prompts.get(i);
                sb.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %+.1f | %.3g | %+.1f | %.3g |\n",
                        seeds.get(i).seed(), g.accuracyA(), g.accuracyB(), p.accuracyA(), g.points(), g.test().pValue(),
                        p.points(), p.test().pValue()));
            }
            sb.append(String.format(Locale.ROOT, "| mean ± sd | %s | %s | %s | %s | | %s | |\n",
                    meanSd(gains, Difference::accuracyA, false), meanSd(gains, Difference::accuracyB, false),
                    meanSd(prompts, Difference::accuracyA, false), meanSd(gains, Difference::points, true),
                    meanSd(prompts, Difference::points, true)));
        }
        return sb.append('\n').toString();
    }

    /** Whether a finding holds on every seed (positive and significant on each), as a phrase. */
    static String verdict(List<Difference> perSeed) {
        long holding = perSeed.stream().filter(Difference::holds).count();
        return holding == perSeed.size() ? "**holds on every seed** (positive, p < 0.05 on each)"
                : String.format(Locale.ROOT, "**does not hold on every seed** (positive and significant on %d of %d)",
                holding, perSeed.size());
    }

    /** Mean ± sample standard deviation over seeds; {@code signed} for differences. */
    static String meanSd(List<Difference> values, Function<Difference, Double> of, boolean signed) {
        double[] v = values.stream().mapToDouble(of::apply).toArray();
        double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double sd = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
        return String.format(Locale.ROOT, signed ? "%+.1f ± %.1f" : "%.1f ± %.1f", mean, sd);
    }

    /** The predictions that count towards {@code metric} (all of them for the overall accuracy). */
    public    static List<Prediction> counted(String metric, List<Prediction> predictions) {
        if (metric.equals(Metrics.ALL)) {
            return predictions;
        }
        return predictions.stream().filter(p -> p.subtask() != null && Metrics.keysOf(p.subtask()).contains(metric)).toList();
    }
}
