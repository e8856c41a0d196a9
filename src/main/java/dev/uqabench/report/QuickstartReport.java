package dev.uqabench.report;

import dev.uqabench.llm.AnswerMode;
import dev.uqabench.base.Manifest;
import dev.uqabench.base.UqaException;
import java.nio.file.Path;
import java.util.Map;

/** report.md of a quickstart run: the table, what each variant is, and where every number comes from. */
public final class QuickstartReport {

    private QuickstartReport() {
    }

    /** @param headline the user-information section ({@link UserInformation#section}) */
    /**
     * @param started      when this run began: stages finished before it were reused, and say since when
     * @param externalData the {@code --data} folder, or null for the run's own data stage
     */
    public static String markdown(Path runDir, Map<String, Path> results, String table, String headline,
                                    AnswerMode mode, java.time.Instant started, String externalData) {
        StringBuilder sb = new StringBuilder("# uqabench quickstart\n\n");
        sb.append("Accuracy (%) on the test questions, scored as the UQABench reference does "
                + "(a prediction is right when it starts with the gold letter). Chance is 25 %. Answer mode: `")
                .append(mode.name().toLowerCase(java.util.Locale.ROOT)).append("` (")
                .append(mode == AnswerMode.LETTER ? "one greedy token, as the reference"
                        : "the letter of the most likely option text; see README")
                .append(").\n\n");
        sb.append(headline);
        sb.append("## Results\n\n").append(table).append('\n');
        sb.append("Each group (SeqU, ActP, IntP) and All pool their questions, as the reference's scorer does (not a mean "
                + "of sub-task accuracies); the interval is Wilson's at 95 %. Prompt tokens: the mean tokens of the prompt the "
                + "LLM reads for a question, soft tokens included, the scored options not.\n\n");
        sb.append("- `none`: the question only (the floor).\n");
        sb.append("- `textN`: the user's last N events written out (title, category, brand, shop) before the question.\n");
        sb.append("- `<encoder>-<adapter>`: soft tokens from the pretrained encoder through the adapter, before the prompt.\n");
        sb.append("- `<encoder>-<adapter>-shuffled`: the same encoder and adapter fed another test user's full history "
                + "(seeded derangement, map in its `donors.json`): the control for information about this user.\n");
        sb.append("- `learned-prompt`: as many soft tokens as the adapter makes, trained by the same alignment recipe "
                + "from a constant input: what a fixed learned prompt gets with no user information.\n\n");
        sb.append("## Stages\n\n| stage | seconds | reused from | headline |\n|---|---:|---|---|\n");
        if (externalData != null) {
            sb.append("| data | – | – | external: `").append(externalData).append("` (read as is, no data stage) |\n");
        }
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(runDir, 3)) {
            // training stages only (evaluations are in the table above), seed repetitions' included
            for (Path m : walk.filter(p -> p.getFileName().toString().equals(Manifest.FILE)).sorted().toList()) {
                String folder = runDir.relativize(m.getParent()).toString().replace('\\', '/');
                if (folder.startsWith("eval") || folder.contains("/eval")) {
                    continue;
                }
                Manifest manifest = Manifest.read(m.getParent());
                sb.append("| ").append(folder).append(String.format(java.util.Locale.ROOT, " | %.1f | ",
                        manifest.seconds())).append(reusedFrom(manifest, started)).append(" | ")
                        .append(headline(manifest.metrics())).append(" |\n");
            }
        } catch (java.io.IOException e) {
            throw new UqaException("cannot list " + runDir + ": " + e.getMessage(), e);
        }
        sb.append('\n').append(usersSeen(runDir));
        sb.append("## Provenance\n\n");
        for (Map.Entry<String, Path> e : results.entrySet()) {
            Path rel = runDir.relativize(e.getValue());
            sb.append("- ").append(e.getKey()).append(": [").append(rel).append("/metrics.json](").append(rel)
                    .append("/metrics.json), manifest [").append(rel).append("/manifest.json](").append(rel)
                    .append("/manifest.json)\n");
        }
        return sb.toString();
    }

    /** Which users each stage saw, from the qa manifest (the split is made there; empty for a release's own questions). */
    static String usersSeen(Path runDir) {
        if (!Manifest.exists(runDir.resolve("qa"))) {
            return "";
        }
        Map<String, Object> m = Manifest.read(runDir.resolve("qa")).metrics();
        if (!m.containsKey("users_test")) {
            return "";
        }
        Object llm = ((Number) m.get("users_llm")).intValue() == 0 ? "none (external LLM)" : m.get("users_llm");
        return "Users (disjoint): llm trained on " + llm + ", align on " + m.get("users_alignment")
                + "; every choice (best pretrain and align epoch) made on " + m.get("users_validation")
                + " validation users; the " + m.get("users_test") + " test users' questions are inputs of eval stages only.\n\n";
    }

    private static String headline(Map<String, Object> metrics) {
        StringBuilder sb = new StringBuilder();
        for (String key : java.util.List.of("users", "events", "alignment_questions", "test_questions", "parameters",
                "final_answer_loss_avg", "recall@10", "ndcg@10", "test_recall@10", "best_epoch", "final_loss_avg",
                "accuracy_all", "mean_prompt_tokens", "leak", "best_blind_all")) {
            Object v = metrics.get(key);
            if (v != null) {
                sb.append(sb.length() == 0 ? "" : ", ").append(key).append(' ')
                        .append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4g", d) : v);
            }
        }
        return sb.toString();
    }

    /** The finishing time of a stage this run reused; a dash for one it ran. */
    private static String reusedFrom(Manifest manifest, java.time.Instant started) {
        try {
            return java.time.Instant.parse(manifest.finishedAt()).isBefore(started) ? manifest.finishedAt() : "– (ran now)";
        } catch (java.time.format.DateTimeParseException e) {
            return manifest.finishedAt();
        }
    }
}
