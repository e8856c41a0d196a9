package dev.uqabench.study;

import dev.uqabench.report.UserInformation;
import dev.uqabench.report.Charts;
import dev.uqabench.report.Significance;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Prediction;
import dev.uqabench.eval.PredictionsJsonl;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.study.StudyConfig;
import dev.uqabench.study.StudyRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The study report: {@code report.md} and a self-contained {@code report.html} (charts embedded as
 * PNG), every number linked to the eval folder whose manifest and metrics it came from.
 */
public final class StudyReport {

    private static final Set<String> TRANSFORMERS = Set.of("sasrec", "hstu", "trmplus");
    private static final Set<String> RECURRENT = Set.of("gru4rec", "mamba");

    private StudyReport() {
    }

    /**
     * The user-information controls of a study and how its best variants were picked.
     *
     * @param embedding  the default embedding variant the controls belong to
     * @param seeds      its main comparisons on every seed, the first seed's being the matrix's
     * @param validation variant to accuracy on the validation questions (the metric's), or null when
     *                   the run has no validation split and picks were made on the test questions
     */
    public record Controls(String embedding, List<UserInformation.SeedEvals> seeds, Map<String, Double> validation) {
        public Controls {
            if (seeds == null || seeds.isEmpty()) {
                throw new IllegalArgumentException("the controls need at least one seed's evaluations");
            }
            seeds = List.copyOf(seeds);
        }
    }

    /** @param audit the leak audit's markdown section, shown after the headline (empty: none) */
    public static void write(Path runDir, StudyConfig study, List<StudyRow> rows, Controls controls, String audit) {
        Findings f = Findings.of(runDir, study, rows, controls.validation());
        Map<String, byte[]> charts = charts(study, rows, f);
        for (Map.Entry<String, byte[]> c : charts.entrySet()) {
            AtomicFiles.write(runDir.resolve("charts").resolve(c.getKey() + ".png"), c.getValue());
        }
        String headline = headline(runDir, study, rows, controls) + audit;
        AtomicFiles.writeString(runDir.resolve("report.md"), markdown(rows, f, headline, charts.keySet(), false, charts));
        AtomicFiles.writeString(runDir.resolve("report.html"), html(markdown(rows, f, headline, charts.keySet(), true, charts)));
    }

    /** The user-information section: text baseline is text20 when the study has it, else its largest. */
    static String headline(Path runDir, StudyConfig study, List<StudyRow> rows, Controls controls) {
        StudyRow none = rows.stream().filter(r -> r.kind().equals("none")).findFirst().orElseThrow();
        StudyRow text = rows.stream().filter(r -> r.kind().equals("text"))
                .max(Comparator.comparingInt((StudyRow r) -> r.textEvents() == 20 ? Integer.MAX_VALUE : r.textEvents()))
                .orElse(null);
        String section = UserInformation.section(study.metric(), controls.embedding(), controls.seeds(),
                text == null ? null : text.variant(), text == null ? null : runDir.resolve(text.source()),
                runDir.resolve(none.source()));
        String picks = controls.validation() == null
                ? "Best-variant picks below were made **on the test questions** (the qa folder has no validation split): "
                + "their margins are optimistic.\n\n"
                : "Best-variant picks below were made on the validation questions (`eval-valid/`), their numbers are on test.\n\n";
        if (controls.seeds().size() > 1) {
            picks += "The findings below come from the matrix of the first seed (" + controls.seeds().get(0).seed()
                    + ") only; only the comparisons above were repeated on every seed.\n\n";
        }
        return section + picks;
    }

    /** The comparisons the study answers, each with a paired significance test. */
    record Findings(String metric, StudyRow none, StudyRow bestText, StudyRow bestEmbedding, List<String> lines) {

        static Findings of(Path runDir, StudyConfig study, List<StudyRow> rows, Map<String, Double> validation) {
            StudyRow none = rows.stream().filter(r -> r.kind().equals("none")).findFirst().orElseThrow();
            String metric = study.metric();
            StudyRow bestText = best(rows, metric, validation, r -> r.kind().equals("text")).orElse(null);
            StudyRow bestEmb = best(rows, metric, validation, r -> r.kind().equals("embedding")).orElse(null);
            List<String> lines = new ArrayList<>();
            String defaultName = study.defaults().name(study.defaults());
            StudyRow def = rows.stream().filter(r -> r.variant().equals(defaultName)).findFirst().orElse(bestEmb);
            compare(runDir, metric, lines, "Best embedding vs question only", bestEmb, none);
            compare(runDir, metric, lines, "Best text baseline vs question only", bestText, none);
            compare(runDir, metric, lines, "Best embedding vs best text baseline", bestEmb, bestText);
            if (bestEmb != null && bestText != null) {
                lines.add(String.format(Locale.ROOT, "Token ratio: %s uses %.1f prompt tokens per question, %s %.1f: %.2fx fewer.",
                        bestEmb.variant(), bestEmb.meanPromptTokens(), bestText.variant(), bestText.meanPromptTokens(),
                        bestText.meanPromptTokens() / bestEmb.meanPromptTokens()));
            }
            compare(runDir, metric, lines, "Q-Former vs mean pooling", find(rows, def, r -> "qformer".equals(r.adapter())),
                    find(rows, def, r -> "meanpool".equals(r.adapter())));
            compare(runDir, metric, lines, "Best Transformer-style vs best recurrent encoder",
                    bestAtDefault(rows, metric, def, r -> TRANSFORMERS.contains(r.encoder())),
                    bestAtDefault(rows, metric, def, r -> RECURRENT.contains(r.encoder())));
            compare(runDir, metric, lines, "With side information (ids + side) vs ids only",
                    find(rows, def, r -> "side_info".equals(r.features())), find(rows, def, r -> "id_only".equals(r.features())));
            compare(runDir, metric, lines, "With text tokens vs ids + side information",
                    find(rows, def, r -> "text".equals(r.features())), find(rows, def, r -> "side_info".equals(r.features())));
            compare(runDir, metric, lines, "Adapter + encoder tuning vs adapter only",
                    find(rows, def, r -> "adapter_and_encoder".equals(r.mode())), find(rows, def, r -> "adapter_only".equals(r.mode())));
            if (study.ladder() != null) {
                List<StudyRow> rungs = ladder(rows, study);
                if (rungs.size() >= 2) {
                    StudyRow small = rungs.get(0);
                    StudyRow large = rungs.get(rungs.size() - 1);
                    lines.add(String.format(Locale.ROOT, "Scaling: %s from %,d to %,d encoder parameters (%.0fx).",
                            study.ladder().encoder(), small.backboneParameters(), large.backboneParameters(),
                            large.backboneParameters() / (double) Math.max(1, small.backboneParameters())));
                    compare(runDir, metric, lines, "Largest vs smallest ladder rung", large, small);
                }
            }
            return new Findings(metric, none, bestText, bestEmb, lines);
        }

        /** The best row by validation accuracy when there is one (no test leak into the pick), else by test accuracy. */
        private static Optional<StudyRow> best(List<StudyRow> rows, String metric, Map<String, Double> validation,
                                               Predicate<StudyRow> filter) {
            return rows.stream().filter(filter).max(Comparator.comparingDouble(r -> validation != null
                    && validation.containsKey(r.variant()) ? validation.get(r.variant()) : r.accuracy().get(metric)));
        }

        /** The row that matches {@code filter} and otherwise equals the default cell's axes where possible. */
        private static StudyRow find(List<StudyRow> rows, StudyRow def, Predicate<StudyRow> filter) {
            if (def == null) {
                return null;
            }
            return rows.stream().filter(r -> r.kind().equals("embedding")).filter(filter)
                    .min(Comparator.comparingInt(r -> distance(r, def))).orElse(null);
        }

        private static StudyRow bestAtDefault(List<StudyRow> rows, String metric, StudyRow def, Predicate<StudyRow> filter) {
            if (def == null) {
                return null;
            }
            return rows.stream().filter(r -> r.kind().equals("embedding")).filter(filter)
                    .filter(r -> r.preset().equals(def.preset()) && r.features().equals(def.features())
                            && r.adapter().equals(def.adapter()) && r.mode().equals(def.mode()))
                    .max(Comparator.comparingDouble(r -> r.accuracy().get(metric))).orElse(null);
        }

        private static int distance(StudyRow r, StudyRow def) {
            int d = 0;
            d += r.encoder().equals(def.encoder()) ? 0 : 1;
            d += r.preset().equals(def.preset()) ? 0 : 1;
            d += r.features().equals(def.features()) ? 0 : 1;
            d += r.adapter().equals(def.adapter()) ? 0 : 1;
            d += r.mode().equals(def.mode()) ? 0 : 1;
            return d;
        }

        private static void compare(Path runDir, String metric, List<String> lines, String what, StudyRow a, StudyRow b) {
            if (a == null || b == null || a.variant().equals(b.variant())) {
                return;
            }
            List<Prediction> pa = UserInformation.counted(metric, PredictionsJsonl.read(runDir.resolve(a.source()).resolve(PredictionsJsonl.FILE)));
            List<Prediction> pb = UserInformation.counted(metric, PredictionsJsonl.read(runDir.resolve(b.source()).resolve(PredictionsJsonl.FILE)));
            Significance.Paired t = Significance.mcnemar(pa, pb);
            double diff = a.accuracy().get(metric) - b.accuracy().get(metric);
            lines.add(String.format(Locale.ROOT, "%s: %s %s vs %s %s: %+.1f points (McNemar p = %.3g, %d vs %d discordant) — %s.",
                    what, a.variant(), ci(a, metric), b.variant(), ci(b, metric), diff, t.pValue(), t.onlyA(), t.onlyB(),
                    t.withinNoise() ? "**within noise**" : "significant at 5 %"));
        }
    }

    static List<StudyRow> ladder(List<StudyRow> rows, StudyConfig study) {
        List<StudyRow> rungs = new ArrayList<>();
        StudyConfig.Cell d = study.defaults();
        for (String preset : study.ladder().presets()) {
            rows.stream().filter(r -> r.kind().equals("embedding") && study.ladder().encoder().equals(r.encoder())
                            && preset.equals(r.preset()) && d.features().name().toLowerCase(Locale.ROOT).equals(r.features())
                            && d.adapter().name().toLowerCase(Locale.ROOT).equals(r.adapter())
                            && d.mode().name().toLowerCase(Locale.ROOT).equals(r.mode()))
                    .findFirst().ifPresent(rungs::add);
        }
        rungs.sort(Comparator.comparingLong(StudyRow::backboneParameters));
        return rungs;
    }

    static String ci(StudyRow r, String metric) {
        return String.format(Locale.ROOT, "%.1f [%.1f, %.1f]", r.accuracy().get(metric), r.lower().get(metric),
                r.upper().get(metric));
    }

    /** The predictions {@code metric} counts: all of them, one task group's, or one sub-task's. */
    private static Map<String, byte[]> charts(StudyConfig study, List<StudyRow> rows, Findings f) {
        Map<String, byte[]> charts = new LinkedHashMap<>();
        List<StudyRow> shown = new ArrayList<>();
        shown.add(f.none());
        if (f.bestText() != null) {
            shown.add(f.bestText());
        }
        rows.stream().filter(r -> r.kind().equals("embedding") && r.preset().equals(study.preset())
                && r.features().equals(study.defaults().features().name().toLowerCase(Locale.ROOT))
                && r.mode().equals(study.defaults().mode().name().toLowerCase(Locale.ROOT))).forEach(shown::add);
        List<Charts.Bars> bars = new ArrayList<>();
        for (StudyRow r : shown) {
            bars.add(new Charts.Bars(r.variant(), Metrics.SUBTASK_KEYS.stream().map(k -> r.accuracy().get(k)).toList(),
                    Metrics.SUBTASK_KEYS.stream().map(k -> halfWidth(r, k)).toList()));
        }
        charts.put("subtasks", Charts.bars("Accuracy per sub-task (95 % CI)", "sub-task", "accuracy (%)", Metrics.SUBTASK_KEYS, bars));

        String metric = study.metric();
        List<Charts.Points> efficiency = new ArrayList<>();
        for (String kind : List.of("none", "text", "embedding")) {
            List<StudyRow> of = rows.stream().filter(r -> r.kind().equals(kind))
                    .sorted(Comparator.comparingDouble(StudyRow::meanPromptTokens)).toList();
            if (!of.isEmpty()) {
                efficiency.add(new Charts.Points(kind, of.stream().map(StudyRow::meanPromptTokens).toList(),
                        of.stream().map(r -> r.accuracy().get(metric)).toList(),
                        of.stream().map(r -> halfWidth(r, metric)).toList(), kind.equals("text")));
            }
        }
        charts.put("efficiency", Charts.points("Accuracy vs prompt tokens (" + metric + ")", "mean prompt tokens per question (log)",
                "accuracy (%)", true, efficiency));

        if (study.ladder() != null) {
            List<StudyRow> rungs = ladder(rows, study);
            if (!rungs.isEmpty()) {
                charts.put("scaling", Charts.points("Scaling: " + study.ladder().encoder() + " size ladder (" + metric + ")",
                        "encoder parameters, embedding tables excluded (log)", "accuracy (%)", true,
                        List.of(new Charts.Points(study.ladder().encoder(),
                                rungs.stream().map(r -> (double) r.backboneParameters()).toList(),
                                rungs.stream().map(r -> r.accuracy().get(metric)).toList(),
                                rungs.stream().map(r -> halfWidth(r, metric)).toList(), true))));
            }
        }
        List<StudyRow> ablations = rows.stream().filter(r -> r.kind().equals("embedding") && r.preset().equals(study.preset())).toList();
        if (!ablations.isEmpty()) {
            List<String> names = ablations.stream().map(StudyRow::variant).toList();
            charts.put("ablations", Charts.bars("Embedding variants: encoders, adapters, modes, features (" + metric + ", 95 % CI)",
                    "variant", "accuracy (%)", names, List.of(new Charts.Bars(metric,
                            ablations.stream().map(r -> r.accuracy().get(metric)).toList(),
                            ablations.stream().map(r -> halfWidth(r, metric)).toList()))));
        }
        return charts;
    }

    private static double halfWidth(StudyRow r, String key) {
        return (r.upper().get(key) - r.lower().get(key)) / 2;
    }

    private static String markdown(List<StudyRow> rows, Findings f, String headline, Set<String> chartNames, boolean inline,
                                   Map<String, byte[]> charts) {
        StringBuilder sb = new StringBuilder("# uqabench study\n\n");
        sb.append("Accuracy (%) on the test questions with 95 % Wilson intervals; each group (SeqU, ActP, IntP) and All "
                + "pool their questions, as the reference's scorer does; differences are tested with McNemar's "
                + "exact test on the same questions. Chance is 25 %. Findings and summary charts use: **" + f.metric()
                + "**.\n\n");
        sb.append(headline);
        sb.append("## Findings\n\n");
        for (String line : f.lines()) {
            sb.append("- ").append(line).append('\n');
        }
        sb.append("\n## Results\n\n| variant | All [95 % CI] | SeqU | ActP | IntP | df | mf | ip | ap | li | si | it | tokens | s/question | params | source |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (StudyRow r : rows) {
            sb.append("| ").append(r.variant()).append(" | ").append(ci(r, Metrics.ALL));
            for (String k : List.of("Sequence understanding", "Action prediction", "Interest perception", "df", "mf", "ip",
                    "ap", "li", "si", "it")) {
                sb.append(String.format(Locale.ROOT, " | %.1f", r.accuracy().get(k)));
            }
            sb.append(String.format(Locale.ROOT, " | %.1f | %.4f | %s | [%s](%s/manifest.json) |\n", r.meanPromptTokens(),
                    r.secondsPerQuestion(), r.parameters() == 0 ? "" : String.format(Locale.ROOT, "%,d", r.parameters()),
                    r.source(), r.source()));
        }
        sb.append("\n## Charts\n\n");
        for (String name : chartNames) {
            String src = inline ? "data:image/png;base64," + Base64.getEncoder().encodeToString(charts.get(name))
                    : "charts/" + name + ".png";
            sb.append("![").append(name).append("](").append(src).append(")\n\n");
        }
        return sb.toString();
    }

    /** A minimal Markdown-to-HTML rendering for the subset the report uses (headings, lists, tables, images, links). */
    static String html(String markdown) {
        StringBuilder out = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>uqabench study</title>"
                + "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
                + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
                + "td:first-child{text-align:left}img{max-width:100%}</style></head><body>\n");
        boolean inTable = false;
        boolean inList = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("|")) {
                if (line.startsWith("|---")) {
                    continue;
                }
                if (!inTable) {
                    out.append("<table>\n");
                    inTable = true;
                }
                String[] cells = line.substring(1, line.length() - 1).split("\\|");
                out.append("<tr>");
                for (String c : cells) {
                    out.append("<td>").append(inlineHtml(c.trim())).append("</td>");
                }
                out.append("</tr>\n");
                continue;
            }
            if (inTable) {
                out.append("</table>\n");
                inTable = false;
            }
            if (line.startsWith("- ")) {
                if (!inList) {
                    out.append("<ul>\n");
                    inList = true;
                }
                out.append("<li>").append(inlineHtml(line.substring(2))).append("</li>\n");
                continue;
            }
            if (inList) {
                out.append("</ul>\n");
                inList = false;
            }
            if (line.startsWith("## ")) {
                out.append("<h2>").append(escape(line.substring(3))).append("</h2>\n");
            } else if (line.startsWith("# ")) {
                out.append("<h1>").append(escape(line.substring(2))).append("</h1>\n");
            } else if (line.startsWith("![")) {
                int mid = line.indexOf("](");
                out.append("<p><img alt=\"").append(escape(line.substring(2, mid))).append("\" src=\"")
                        .append(line, mid + 2, line.length() - 1).append("\"></p>\n");
            } else if (!line.isBlank()) {
                out.append("<p>").append(inlineHtml(line)).append("</p>\n");
            }
        }
        if (inTable) {
            out.append("</table>\n");
        }
        if (inList) {
            out.append("</ul>\n");
        }
        return out.append("</body></html>\n").toString();
    }

    private static String inlineHtml(String text) {
        String s = escape(text);
        s = s.replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>");
        s = s.replaceAll("\\[([^\\]]+)\\]\\(([^)]+)\\)", "<a href=\"$2\">$1</a>");
        return s;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
