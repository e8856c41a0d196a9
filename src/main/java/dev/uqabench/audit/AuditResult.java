package dev.uqabench.audit;

import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Score;

import java.util.List;
import java.util.Map;

/**
 * The audit of one question set.
 *
 * @param solvers     blind solvers first, then oracles, in report order
 * @param breaches    blind scores above the limits (empty: no leak found)
 * @param tooFew      sub-tasks with fewer test questions than the limits need to judge them
 * @param skipped     solvers that could not run, each with the reason
 * @param testPerSubtask test questions per sub-task code
 */
public record AuditResult(AuditLimits limits, int alignmentQuestions, int testQuestions,
                          Map<String, Integer> testPerSubtask, List<SolverScores> solvers, List<Breach> breaches,
                          List<String> tooFew, List<String> skipped) {

    public AuditResult {
        testPerSubtask = Map.copyOf(testPerSubtask);
        solvers = List.copyOf(solvers);
        breaches = List.copyOf(breaches);
        tooFew = List.copyOf(tooFew);
        skipped = List.copyOf(skipped);
    }

    /** Whether some blind solver beat a limit. */
    public boolean leak() {
        return !breaches.isEmpty();
    }

    /** The best blind solver's accuracy (%) on All tasks, among those that answer every test question. */
    public double bestBlindAll() {
        double best = 0;
        for (SolverScores solver : solvers) {
            Score all = solver.scores().get(Metrics.ALL);
            if (solver.kind() == Kind.BLIND && all != null && all.n() == testQuestions) {
                best = Math.max(best, all.accuracy());
            }
        }
        return best;
    }

    public enum Kind { BLIND, ORACLE;
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One solver's accuracy under {@code "All tasks"} and each sub-task code it answered (absent: n/a).
     * An oracle's "All tasks" counts only the questions it could answer.
     */
    public record SolverScores(String name, Kind kind, String description, Map<String, Score> scores) {
        public SolverScores {
            scores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
        }
    }

    /** A blind solver above a limit: {@code scope} is "All tasks" or a sub-task code. */
    public record Breach(String solver, String scope, Score score, double limit) {
        public String line() {
            return String.format(java.util.Locale.ROOT, "leak: %s scores %.1f %% on %s (n=%d, 95%% CI %.1f-%.1f), limit %.0f %%",
                    solver, score.accuracy(), scope, score.n(), score.lower(), score.upper(), limit);
        }
    }
}
