package dev.uqabench.audit;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Score;
import dev.uqabench.qa.CachedEventText;
import dev.uqabench.qa.QuestionSet;
import dev.uqabench.qa.Subtask;
import dev.uqabench.base.Manifest;
import dev.uqabench.base.UqaException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Runs the leak audit on a question set: blind solvers fitted on the alignment questions and scored
 * on the test questions, history oracles on the test questions, and the verdict against
 * {@link AuditLimits}. Reads {@code questions_train.jsonl}, {@code questions_eval.jsonl} and
 * {@code align_data_eval.arrow} from the qa folder; {@code pretrain_data_train.arrow} and
 * {@code tokenizer.json} from the data folder (optional: without it the popularity solvers and the
 * oracles are skipped and the result says so).
 */
public final class Audit {

    public static final String OUTPUT_FOLDER = "audit";
    public static final String JSON_FILE = "audit.json";
    public static final String MARKDOWN_FILE = "audit.md";
    static final String CLASSIFIER = "classifier";

    private Audit() {
    }

    /**
     * Audits the questions in {@code qaFolder}. Every input is checked before any solver runs; a bad
     * input is a {@link UqaException} naming the file.
     *
     * @param dataFolder the run's data folder, or null when it is unavailable
     */
    public static AuditResult run(Path qaFolder, Path dataFolder, AuditLimits limits) {
        List<AuditQuestion> alignment = QuestionFile.read(qaFolder.resolve(QuestionSet.ALIGNMENT.jsonl()));
        List<AuditQuestion> test = QuestionFile.read(qaFolder.resolve(QuestionSet.TEST.jsonl()));
        List<String> skipped = new ArrayList<>();
        Path alignEval = qaFolder.resolve(ReleaseLayout.ALIGN_EVAL);
        checkRows(qaFolder.resolve(ReleaseLayout.ALIGN_TRAIN), alignment.size());
        boolean haveAlignEval = checkRows(alignEval, test.size());
        Path tokenizer = dataFolder == null ? null : dataFolder.resolve("tokenizer.json");
        Path pretrain = dataFolder == null ? null : dataFolder.resolve(ReleaseLayout.PRETRAIN_TRAIN);
        boolean haveData = dataFolder != null && Files.isRegularFile(tokenizer) && Files.isRegularFile(pretrain);

        Catalogue catalogue = null;
        List<List<Click>> histories = null;
        if (!haveData) {
            String why = dataFolder == null ? "no data folder found" : "no " + ReleaseLayout.PRETRAIN_TRAIN
                    + " and tokenizer.json in " + dataFolder;
            skipped.add("most-popular, least-popular: " + why);
            skipped.add("history oracles: " + why);
        } else {
            try (TokenizerEventText decoder = TokenizerEventText.open(tokenizer)) {
                EventText text = new CachedEventText(decoder, 1 << 16);
                Catalogue built = new Catalogue();
                forEachSequence(pretrain, user -> built.addUser(clicks(user, text)));
                catalogue = built;
                if (haveAlignEval) {
                    List<List<Click>> rows = new ArrayList<>();
                    forEachSequence(alignEval, user -> rows.add(clicks(user, text)));
                    histories = rows;
                } else {
                    skipped.add("history oracles: no " + alignEval);
                }
            }
        }

        OptionStats stats = OptionStats.fit(alignment);
        Catalogue finalCatalogue = catalogue;
        List<double[][]> trainFeatures = new ArrayList<>(alignment.size());
        for (AuditQuestion q : alignment) {
            trainFeatures.add(stats.without(q, () -> OptionFeatures.of(q, stats, finalCatalogue)));
        }
        OptionClassifier classifier = OptionClassifier.fit(alignment, trainFeatures);
        List<double[][]> testFeatures = test.stream().map(q -> OptionFeatures.of(q, stats, finalCatalogue)).toList();

        List<AuditResult.SolverScores> solvers = new ArrayList<>();
        for (BlindRule rule : BlindRule.all()) {
            if (rule.needsCatalogue() && catalogue == null) {
                continue;
            }
            solvers.add(score(rule.name(), AuditResult.Kind.BLIND, rule.description(), test, (q, row) -> {
                if (!rule.subtasks().contains(q.subtask())) {
                    return null;
                }
                double[] s = new double[4];
                for (int i = 0; i < 4; i++) {
                    s[i] = rule.score().applyAsDouble(testFeatures.get(row)[i]);
                }
                return s;
            }));
        }
        solvers.add(score(CLASSIFIER, AuditResult.Kind.BLIND,
                "logistic regression per sub-task over all option figures (liblinear)", test,
                (q, row) -> classifier.scores(q, testFeatures.get(row))));
        if (histories != null) {
            List<List<Click>> rows = histories;
            solvers.add(score("history-oracle", AuditResult.Kind.ORACLE,
                    "rules on the user's own clicks: the answer for df/mf/li/si/it (needs facts), "
                            + "a recency-weighted recommender for ip/ap", test,
                    (q, row) -> HistoryOracle.scores(q, rows.get(row), finalCatalogue)));
            long withoutFacts = test.stream().filter(q -> q.facts() == null && HistoryOracle.needsFacts(q.subtask())).count();
            if (withoutFacts > 0) {
                skipped.add("history oracle on df/mf/li/si/it: " + withoutFacts + " test questions carry no facts (n/a)");
            }
        }
        return verdict(limits, alignment.size(), test, solvers, skipped);
    }

    private static AuditResult verdict(AuditLimits limits, int alignmentQuestions, List<AuditQuestion> test,
                                       List<AuditResult.SolverScores> solvers, List<String> skipped) {
        Map<String, Integer> perSubtask = new LinkedHashMap<>();
        for (Subtask s : Subtask.values()) {
            int n = (int) test.stream().filter(q -> q.subtask() == s).count();
            if (n > 0) {
                perSubtask.put(s.code(), n);
            }
        }
        List<String> tooFew = perSubtask.entrySet().stream().filter(e -> e.getValue() < limits.minSubtaskQuestions())
                .map(Map.Entry::getKey).toList();
        List<AuditResult.Breach> breaches = new ArrayList<>();
        for (AuditResult.SolverScores solver : solvers) {
            if (solver.kind() != AuditResult.Kind.BLIND) {
                continue;
            }
            Score all = solver.scores().get(Metrics.ALL);
            // the All-tasks limit judges solvers that answer every test question (count rules answer mf only)
            if (all != null && all.n() == test.size() && all.accuracy() > limits.allTasks()) {
                breaches.add(new AuditResult.Breach(solver.name(), Metrics.ALL, all, limits.allTasks()));
            }
            for (Map.Entry<String, Score> e : solver.scores().entrySet()) {
                if (e.getKey().equals(Metrics.ALL) || e.getValue().n() < limits.minSubtaskQuestions()) {
                    continue;
                }
                if (e.getValue().accuracy() > limits.subtask()) {
                    breaches.add(new AuditResult.Breach(solver.name(), e.getKey(), e.getValue(), limits.subtask()));
                }
            }
        }
        return new AuditResult(limits, alignmentQuestions, test.size(), perSubtask, solvers, breaches, tooFew, skipped);
    }

    private static AuditResult.SolverScores score(String name, AuditResult.Kind kind, String description,
                                                  List<AuditQuestion> test,
                                                  BiFunction<AuditQuestion, Integer, double[]> solver) {
        Map<Subtask, int[]> counts = new EnumMap<>(Subtask.class);
        for (int row = 0; row < test.size(); row++) {
            AuditQuestion q = test.get(row);
            double[] scores = solver.apply(q, row);
            if (scores == null) {
                continue;
            }
            int chosen = Pick.best(scores, q.id());
            int[] c = counts.computeIfAbsent(q.subtask(), s -> new int[2]);
            c[0]++;
            c[1] += chosen == q.gold() ? 1 : 0;
        }
        Map<String, Score> scores = new LinkedHashMap<>();
        int n = counts.values().stream().mapToInt(c -> c[0]).sum();
        int correct = counts.values().stream().mapToInt(c -> c[1]).sum();
        scores.put(Metrics.ALL, Score.of(correct, n));
        counts.forEach((s, c) -> scores.put(s.code(), Score.of(c[1], c[0])));
        return new AuditResult.SolverScores(name, kind, description, scores);
    }

    /** Checks an align file (when present) has a row per question; returns whether it is present. */
    private static boolean checkRows(Path alignFile, int questions) {
        if (!Files.isRegularFile(alignFile)) {
            return false;
        }
        ReleaseReader reader = ReleaseReader.open(alignFile);
        long rows = reader.rows();
        if (rows < 0) {
            rows = 0;
            for (Iterator<List<UserSequence>> it = reader.batches(1024); it.hasNext(); ) {
                rows += it.next().size();
            }
        }
        if (rows < questions) {
            throw new UqaException(alignFile + ": " + rows + " align rows for " + questions
                    + " questions (expected one row per question)");
        }
        return true;
    }

    private static void forEachSequence(Path file, java.util.function.Consumer<UserSequence> body) {
        ReleaseReader.open(file).batches(256).forEachRemaining(batch -> batch.forEach(body));
    }

    private static List<Click> clicks(UserSequence user, EventText text) {
        List<Click> out = new ArrayList<>(user.length());
        for (Event e : user.events()) {
            out.add(Click.of(e, text));
        }
        return out;
    }

    /**
     * The data folder of a run: {@code RUN_DIR/data} when it holds the pretraining file, else a folder
     * recorded as the qa manifest's {@code data} input when that names an existing folder; null if none.
     */
    public static Path findDataFolder(Path runDir) {
        Path local = runDir.resolve("data");
        if (Files.isRegularFile(local.resolve(ReleaseLayout.PRETRAIN_TRAIN))) {
            return local;
        }
        Path qa = runDir.resolve("qa");
        if (Manifest.exists(qa)) {
            try {
                String recorded = Manifest.read(qa).inputs().get("data");
                if (recorded != null && !recorded.isBlank()) {
                    Path candidate = Path.of(recorded);
                    if (Files.isDirectory(candidate)) {
                        return candidate;
                    }
                }
            } catch (RuntimeException unreadable) {
                // a manifest we cannot read names no folder: the audit runs without data
            }
        }
        return null;
    }

    /**
     * Writes {@code audit.json} and {@code audit.md} into {@code folder}: both are written into a
     * temporary sibling folder that then replaces {@code folder}, so a crash leaves the old audit or none.
     */
    public static void write(AuditResult result, Path folder) {
        AtomicFiles.writeFolder(folder, temporary -> {
            Files.writeString(temporary.resolve(JSON_FILE), AuditReport.json(result));
            Files.writeString(temporary.resolve(MARKDOWN_FILE), AuditReport.markdown(result));
            return null;
        });
    }

}
