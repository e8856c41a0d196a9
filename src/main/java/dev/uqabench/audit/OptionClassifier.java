package dev.uqabench.audit;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import dev.uqabench.qa.Subtask;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The strongest blind solver: a logistic regression per sub-task over all option figures, one row
 * per option (label: is the answer), predicting the option with the highest probability.
 *
 * <p>Library: liblinear (de.bwaldvogel:liblinear, the Java port of LIBLINEAR): a small, long-kept
 * library with no dependencies whose L2-regularised logistic regression (trust-region Newton) is
 * deterministic — no seed to carry — and fits tens of thousands of rows in well under a second.
 * Smile or Tribuo would bring far larger dependency trees for one linear model.
 *
 * <p>Training rows use leave-one-out figures ({@link OptionStats#without}), so the option's own
 * label never leaks into its answer rate.
 */
public final class OptionClassifier {

    /** Inverse regularisation strength; features are standardised, so 1 is a neutral choice. */
    private static final double C = 1.0;

    private final Map<Subtask, Fitted> models;

    private record Fitted(Model model, double[] mean, double[] scale, int positive) {
    }

    private OptionClassifier(Map<Subtask, Fitted> models) {
        this.models = models;
    }

    /** @param features training questions' option figures, computed leave-one-out */
    public static OptionClassifier fit(List<AuditQuestion> alignment, List<double[][]> features) {
        Linear.disableDebugOutput();
        Map<Subtask, Fitted> models = new EnumMap<>(Subtask.class);
        for (Subtask subtask : Subtask.values()) {
            List<double[]> rows = new ArrayList<>();
            List<Double> labels = new ArrayList<>();
            for (int q = 0; q < alignment.size(); q++) {
                if (alignment.get(q).subtask() != subtask) {
                    continue;
                }
                for (int i = 0; i < 4; i++) {
                    rows.add(features.get(q)[i]);
                    labels.add(i == alignment.get(q).gold() ? 1.0 : 0.0);
                }
            }
            if (rows.size() < 8) {
                continue;
            }
            int width = OptionFeatures.WIDTH;
            double[] mean = new double[width];
            double[] scale = new double[width];
            for (double[] r : rows) {
                for (int j = 0; j < width; j++) {
                    mean[j] += r[j] / rows.size();
                }
            }
            for (double[] r : rows) {
                for (int j = 0; j < width; j++) {
                    scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / rows.size();
                }
            }
            for (int j = 0; j < width; j++) {
                scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
            }
            Problem problem = new Problem();
            problem.l = rows.size();
            problem.n = width + 1;
            problem.bias = 1;
            problem.x = new Feature[rows.size()][];
            problem.y = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                problem.x[r] = nodes(rows.get(r), mean, scale);
                problem.y[r] = labels.get(r);
            }
            Model model = Linear.train(problem, new Parameter(SolverType.L2R_LR, C, 0.01));
            int[] labelsOrder = model.getLabels();
            int positive = labelsOrder.length > 1 && labelsOrder[1] == 1 ? 1 : 0;
            if (labelsOrder.length < 2) {
                continue;
            }
            models.put(subtask, new Fitted(model, mean, scale, positive));
        }
        return new OptionClassifier(models);
    }

    /** Probability that each option is the answer, or null when the sub-task had no training questions. */
    public double[] scores(AuditQuestion q, double[][] features) {
        Fitted fitted = models.get(q.subtask());
        if (fitted == null) {
            return null;
        }
        double[] out = new double[4];
        double[] probabilities = new double[2];
        for (int i = 0; i < 4; i++) {
            Linear.predictProbability(fitted.model(), nodes(features[i], fitted.mean(), fitted.scale()), probabilities);
            out[i] = probabilities[fitted.positive()];
        }
        return out;
    }

    private static Feature[] nodes(double[] row, double[] mean, double[] scale) {
        Feature[] nodes = new Feature[row.length + 1];
        for (int j = 0; j < row.length; j++) {
            nodes[j] = new FeatureNode(j + 1, (row[j] - mean[j]) / scale[j]);
        }
        nodes[row.length] = new FeatureNode(row.length + 1, 1.0);
        return nodes;
    }
}
