package dev.uqabench.run;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.Json;
import dev.uqabench.eval.Answerer;
import dev.uqabench.eval.Evaluation;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Prediction;
import dev.uqabench.eval.PredictionsJsonl;
import dev.uqabench.eval.Scorer;
import dev.uqabench.eval.ShuffledUsers;
import dev.uqabench.eval.Variant;
import dev.uqabench.llm.AnswerMode;
import dev.uqabench.llm.LlmHandle;
import dev.uqabench.qa.QuestionSet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * eval: answers the test (or validation) questions with one variant ({@link Evaluation}), writes
 * {@link PredictionsJsonl#FILE} and {@link Metrics#FILE} scored as the reference does, and for the
 * shuffled-user control its {@link ShuffledUsers#DONORS_FILE}.
 */
public final class EvalStage implements Stage<EvalStage.Input, EvalStage.Output> {

    /**
     * @param questions  {@link QuestionSet#TEST}, or {@link QuestionSet#VALIDATION} for best-variant picks
     * @param qaFolder   the questions
     * @param soft       where the soft tokens come from; null for variants without them
     * @param answerMode how the LLM answers: one letter token, or the most likely option text
     * @param seed       the shuffled-user control's derangement seed
     */
    public record Input(Variant variant, QuestionSet questions, Path qaFolder, LlmHandle llm, SoftTokens soft,
                        AnswerMode answerMode, long seed) {
        public Input {
            if (questions != QuestionSet.TEST && questions != QuestionSet.VALIDATION) {
                throw new IllegalArgumentException("eval answers the test or validation questions, not " + questions);
            }
        }
    }

    /**
     * The source of an embedding variant's soft tokens: the encoder of {@code pretrainFolder} through the
     * adapter of {@code alignFolder} (both declared as inputs), loaded only when the stage runs.
     */
    public record SoftTokens(Path pretrainFolder, Path alignFolder, Supplier<Answerer.SoftPrompt> load) {
    }

    /** @param folder the eval folder: predictions, metrics (and donors of the shuffled control) */
    public record Output(Path folder) {
    }

    private final StageRunner runner;
    private final Supplier<Evaluation.Context> context;
    private final Progress progress;

    /** @param context what every variant needs besides the LLM and the questions, made on first use */
    public EvalStage(StageRunner runner, Supplier<Evaluation.Context> context, Progress progress) {
        this.runner = runner;
        this.context = context;
        this.progress = progress;
    }

    @Override
    public Output run(Path folder, Input in) {
        Variant variant = in.variant();
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("llm", in.llm().folder());
        if (in.soft() != null) {
            inputs.put("pretrain", in.soft().pretrainFolder());
            inputs.put("align", in.soft().alignFolder());
        }
        inputs.put("qa", in.qaFolder());
        var config = Json.mapper().createObjectNode().put("variant", variant.name());
        config.set("answer_mode", Json.mapper().valueToTree(in.answerMode()));
        if (in.questions() != QuestionSet.TEST) {
            config.put("questions", in.questions().code());
        }
        // collective: in a data-parallel group the ranks answer shares of the questions; rank 0 writes them all
        runner.run("eval/" + variant.name(), folder, config, in.seed(), inputs, false, true, work -> {
            Evaluation.Questions questions = Evaluation.Questions.read(in.qaFolder(), in.questions());
            Evaluation evaluation = new Evaluation(in.llm().model(), context.get(), in.answerMode());
            if (!Distributed.isMain()) {
                Supplier<Answerer.SoftPrompt> soft = in.soft() == null ? () -> null : in.soft().load();
                evaluation.answer(questions, variant, soft, in.seed(), (done, total) -> { });
                return Map.of();
            }
            if (variant.kind() == Variant.Kind.SHUFFLED) {
                AtomicFiles.writeJson(work.resolve(ShuffledUsers.DONORS_FILE), ShuffledUsers.donors(questions.sequences(),
                        in.seed()));
            }
            Progress.Ticker ticker = progress.ticker("eval " + variant.name() + ": question", questions.rows().size(),
                    "questions");
            Supplier<Answerer.SoftPrompt> soft = in.soft() == null ? () -> null : in.soft().load();
            List<Prediction> predictions = evaluation.answer(questions, variant, soft, in.seed(),
                    (done, total) -> ticker.update(done, done, ""));
            PredictionsJsonl.write(work.resolve(PredictionsJsonl.FILE), predictions);
            Metrics metrics = Scorer.score(predictions);
            metrics.write(work.resolve(Metrics.FILE));
            return Evaluation.headline(predictions, metrics);
        });
        return new Output(folder);
    }
}
