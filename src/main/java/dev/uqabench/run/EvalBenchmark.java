package dev.uqabench.run;

import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.eval.Answerer;
import dev.uqabench.eval.Evaluation;
import dev.uqabench.eval.Prediction;
import dev.uqabench.eval.Scorer;
import dev.uqabench.eval.Variant;
import dev.uqabench.llm.AnswerMode;
import dev.uqabench.llm.LlmHandle;
import dev.uqabench.qa.CachedEventText;
import dev.uqabench.qa.Nouns;
import dev.uqabench.qa.QuestionSet;
import dev.uqabench.tensor.NativeThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Time of a finished quickstart's text-only evaluations with and without running a shared prompt prefix once (a
 * text baseline's questions about one user share the history written out; {@link
 * dev.uqabench.eval.Answerer#answerByLikelihood}), alternated in one process, and whether the answers are the same.
 *
 * <p>Usage: {@code java ... dev.uqabench.run.EvalBenchmark RUN_DIR ROUNDS MODE [VARIANT ...]}, MODE {@code option_text}
 * (as the quickstart answers) or {@code letter} (as an external LLM does), variants by default {@code text20}; RUN_DIR
 * holds a finished quickstart's {@code data/}, {@code qa/} and {@code llm/}. One thread, as the quickstart's
 * evaluations.
 */
public final class EvalBenchmark {

    private EvalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path runDir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        AnswerMode mode = AnswerMode.valueOf(args[2].toUpperCase(Locale.ROOT));
        List<String> variants = args.length > 3 ? List.of(args).subList(3, args.length) : List.of("text20");
        NativeThreads.setIntraOpThreads(1);
        NativeThreads.setBlasThreads(1);
        Path data = runDir.resolve("data");
        Path qa = runDir.resolve("qa");
        RunConfig config = RunConfig.quickstart();
        LlmHandle llm = LlmHandle.builtIn(runDir.resolve("llm"));
        Evaluation.Questions questions = Evaluation.Questions.read(qa, QuestionSet.TEST);
        try (TokenizerEventText text = TokenizerEventText.open(config.sources().featureTokenizerFile(data))) {
            Evaluation.Context context = new Evaluation.Context(new CachedEventText(text, 1 << 16),
                    config.data().lang(), Nouns.ofDataFolder(data), config.evalBatchSize());
            System.out.printf("%d test questions of %d users; %s; load %s%n", questions.rows().size(),
                    questions.rows().stream().map(r -> r.sequence().user()).distinct().count(),
                    dev.uqabench.tensor.CpuFeatures.describe(),
                    Files.readString(Path.of("/proc/loadavg")).trim());
            for (String name : variants) {
                Variant variant = Variant.parse(name);
                List<List<Double>> seconds = List.of(new ArrayList<>(), new ArrayList<>());
                List<List<Prediction>> last = new ArrayList<>(List.of(List.of(), List.of()));
                for (int round = 0; round < rounds; round++) {
                    for (int shared = 0; shared < 2; shared++) {
                        int min = shared == 1 ? Answerer.SHARED_PREFIX_MIN_TOKENS : Integer.MAX_VALUE;
                        Evaluation evaluation = new Evaluation(llm.model(), context, mode, min);
                        long t0 = System.nanoTime();
                        List<Prediction> predictions = evaluation.answer(questions, variant, () -> null, 42,
                                (done, total) -> { });
                        double s = (System.nanoTime() - t0) / 1e9;
                        seconds.get(shared).add(s);
                        last.set(shared, predictions);
                        System.out.printf(Locale.ROOT, "%s, %s, %s prefix: %.2f s (%.2f ms a question), accuracy %.2f,"
                                + " load %s%n", name, mode, shared == 1 ? "shared" : "whole", s,
                                1e3 * s / predictions.size(), Scorer.score(predictions).all().accuracy(),
                                Files.readString(Path.of("/proc/loadavg")).trim());
                    }
                }
                int differ = 0;
                for (int i = 0; i < last.get(0).size(); i++) {
                    if (!last.get(0).get(i).prediction().equals(last.get(1).get(i).prediction())) {
                        differ++;
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %s | whole %s s | shared %s s | median ratio %.2f "
                        + "| answers differing %d of %d |%n", name, mode, seconds.get(0), seconds.get(1), median(seconds.get(0)) / median(seconds.get(1)), differ,
                        last.get(0).size());
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
