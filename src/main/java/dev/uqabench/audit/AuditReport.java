package dev.uqabench.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Score;
import dev.uqabench.qa.Subtask;
import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The audit as {@code audit.json}, a markdown section for report.md, an HTML fragment and a console table. */
public final class AuditReport {

    private AuditReport() {
    }

    /** The markdown section written into {@code auditFolder}, for a run's report; empty when the folder has none. */
    public static String section(Path auditFolder) {
        Path markdown = auditFolder.resolve(Audit.MARKDOWN_FILE);
        try {
            return Files.isRegularFile(markdown) ? Files.readString(markdown) + "\n" : "";
        } catch (IOException e) {
            throw new UqaException("cannot read " + markdown + ": " + e.getMessage(), e);
        }
    }

    public static String json(AuditResult result) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("verdict", result.leak() ? "leak" : "no leak found");
        ObjectNode limits = root.putObject("limits");
        limits.put("allTasks", result.limits().allTasks());
        limits.put("subtask", result.limits().subtask());
        limits.put("minSubtaskQuestions", result.limits().minSubtaskQuestions());
        root.put("alignmentQuestions", result.alignmentQuestions());
        root.put("testQuestions", result.testQuestions());
        ObjectNode perSubtask = root.putObject("testPerSubtask");
        result.testPerSubtask().entrySet().stream().sorted(java.util.Comparator.comparingInt((Map.Entry<String, Integer> e) -> order(e.getKey())))
                .forEach(e -> perSubtask.put(e.getKey(), e.getValue()));
        ArrayNode breaches = root.putArray("breaches");
        for (AuditResult.Breach b : result.breaches()) {
            ObjectNode node = breaches.addObject();
            node.put("solver", b.solver());
            node.put("scope", b.scope());
            node.put("accuracy", b.score().accuracy());
            node.put("n", b.score().n());
            node.put("limit", b.limit());
        }
        ArrayNode tooFew = root.putArray("tooFewToJudge");
        result.tooFew().forEach(tooFew::add);
        ArrayNode skipped = root.putArray("skipped");
        result.skipped().forEach(skipped::add);
        ArrayNode solvers = root.putArray("solvers");
        for (AuditResult.SolverScores solver : result.solvers()) {
            ObjectNode node = solvers.addObject();
            node.put("name", solver.name());
            node.put("kind", solver.kind().label());
            node.put("description", solver.description());
            ObjectNode scores = node.putObject("scores");
            for (Map.Entry<String, Score> e : solver.scores().entrySet()) {
                Score s = e.getValue();
                ObjectNode score = scores.putObject(e.getKey());
                score.put("n", s.n());
                score.put("correct", s.correct());
                if (s.n() > 0) {
                    score.put("accuracy", s.accuracy());
                    score.putArray("ci95").add(s.lower()).add(s.upper());
                } else {
                    score.putNull("accuracy");
                    score.putNull("ci95");
                }
            }
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A markdown section (level-2 heading) to embed in report.md. */
    public static String markdown(AuditResult result) {
        StringBuilder out = new StringBuilder("## Leak audit\n\n");
        out.append(String.format(Locale.ROOT, "Verdict: **%s**. Blind solvers see only the options (fitted on %d alignment "
                        + "questions, scored on %d test questions); chance is 25 %%. Limits: %.0f %% on All tasks, %.0f %% on a "
                        + "sub-task with at least %d test questions.%n%n", result.leak() ? "leak" : "no leak found",
                result.alignmentQuestions(), result.testQuestions(), result.limits().allTasks(), result.limits().subtask(),
                result.limits().minSubtaskQuestions()));
        List<String> columns = columns(result);
        out.append("| solver | kind | ").append(String.join(" | ", columns)).append(" |\n");
        out.append("|---|---|").append("---:|".repeat(columns.size())).append('\n');
        for (AuditResult.SolverScores solver : result.solvers()) {
            out.append("| ").append(solver.name()).append(" | ").append(solver.kind().label());
            for (String column : columns) {
                out.append(" | ").append(cell(result, solver, column, true));
            }
            out.append(" |\n");
        }
        out.append("\nCells: accuracy % [95 % Wilson interval]; n/a: the solver does not answer that sub-task.");
        if (anyPartial(result)) {
            out.append(' ').append(PARTIAL_NOTE);
        }
        out.append('\n');
        if (!result.breaches().isEmpty()) {
            out.append("\nBreaches:\n\n");
            result.breaches().forEach(b -> out.append("- ").append(b.line()).append('\n'));
        }
        if (!result.tooFew().isEmpty()) {
            out.append("\nToo few to judge (under ").append(result.limits().minSubtaskQuestions())
                    .append(" test questions): ").append(String.join(", ", result.tooFew())).append(".\n");
        }
        if (!result.skipped().isEmpty()) {
            out.append("\nSkipped:\n\n");
            result.skipped().forEach(s -> out.append("- ").append(s).append('\n'));
        }
        return out.toString();
    }

    /** A short HTML fragment (verdict and the table), every text escaped. */
    public static String html(AuditResult result) {
        StringBuilder out = new StringBuilder("<section class=\"audit\"><h2>Leak audit</h2>\n<p>Verdict: <strong>")
                .append(result.leak() ? "leak" : "no leak found").append("</strong></p>\n<table>\n<tr><th>solver</th><th>kind</th>");
        List<String> columns = columns(result);
        columns.forEach(c -> out.append("<th>").append(escape(c)).append("</th>"));
        out.append("</tr>\n");
        for (AuditResult.SolverScores solver : result.solvers()) {
            out.append("<tr><td>").append(escape(solver.name())).append("</td><td>").append(solver.kind().label()).append("</td>");
            columns.forEach(c -> out.append("<td>").append(escape(cell(result, solver, c, false))).append("</td>"));
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        if (anyPartial(result)) {
            out.append("<p>").append(escape(PARTIAL_NOTE)).append("</p>\n");
        }
        if (!result.breaches().isEmpty()) {
            out.append("<ul>");
            result.breaches().forEach(b -> out.append("<li>").append(escape(b.line())).append("</li>"));
            out.append("</ul>\n");
        }
        return out.append("</section>\n").toString();
    }

    /** A plain console table: accuracy per solver and sub-task. */
    public static String table(AuditResult result) {
        List<String> columns = columns(result);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-24s %-6s", "solver", "kind"));
        columns.forEach(c -> out.append(String.format(Locale.ROOT, " %9s", c.equals(Metrics.ALL) ? "all" : c)));
        out.append('\n');
        for (AuditResult.SolverScores solver : result.solvers()) {
            out.append(String.format(Locale.ROOT, "%-24s %-6s", solver.name(), solver.kind().label()));
            columns.forEach(c -> out.append(String.format(Locale.ROOT, " %9s", cell(result, solver, c, false))));
            out.append('\n');
        }
        out.append(String.format(Locale.ROOT, "%-31s", "n (test)"));
        columns.forEach(c -> out.append(String.format(Locale.ROOT, " %9d",
                c.equals(Metrics.ALL) ? result.testQuestions() : result.testPerSubtask().getOrDefault(c, 0))));
        out.append('\n');
        if (anyPartial(result)) {
            out.append(PARTIAL_NOTE).append('\n');
        }
        result.skipped().forEach(s -> out.append("skipped: ").append(s).append('\n'));
        return out.toString();
    }

    private static List<String> columns(AuditResult result) {
        List<String> columns = new ArrayList<>();
        columns.add(Metrics.ALL);
        for (Subtask s : Subtask.values()) {
            if (result.testPerSubtask().containsKey(s.code())) {
                columns.add(s.code());
            }
        }
        return columns;
    }

    /** The footnote of an "All tasks" cell marked {@code *}. */
    static final String PARTIAL_NOTE = "*: All tasks over only the questions the solver answers (the All-tasks limit "
            + "judges only solvers that answer every test question).";

    /** Whether {@code solver}'s "All tasks" score covers fewer than all test questions (it skips some). */
    private static boolean partial(AuditResult result, AuditResult.SolverScores solver) {
        Score all = solver.scores().get(Metrics.ALL);
        return all != null && all.n() > 0 && all.n() < result.testQuestions();
    }

    private static boolean anyPartial(AuditResult result) {
        return result.solvers().stream().anyMatch(s -> partial(result, s));
    }

    /** A solver's cell in {@code column}, its "All tasks" marked {@code *} when it covers only some sub-tasks. */
    private static String cell(AuditResult result, AuditResult.SolverScores solver, String column, boolean interval) {
        String cell = cell(solver.scores().get(column), interval);
        return column.equals(Metrics.ALL) && partial(result, solver) ? cell + " *" : cell;
    }

    private static String cell(Score score, boolean interval) {
        if (score == null || score.n() == 0) {
            return "n/a";
        }
        return interval ? String.format(Locale.ROOT, "%.1f [%.1f, %.1f]", score.accuracy(), score.lower(), score.upper())
                : String.format(Locale.ROOT, "%.1f", score.accuracy());
    }

    private static int order(String code) {
        return Subtask.fromCode(code).ordinal();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
