package dev.uqabench.run;

import dev.uqabench.align.AlignConfig;
import dev.uqabench.align.AlignFolder;
import dev.uqabench.align.EncoderStates;
import dev.uqabench.data.UserRoles;
import dev.uqabench.data.arrow.ReleaseFolder;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.eval.Answerer;
import dev.uqabench.eval.Evaluation;
import dev.uqabench.eval.Variant;
import dev.uqabench.llm.ComputeType;
import dev.uqabench.llm.LlmHandle;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.qa.CachedEventText;
import dev.uqabench.qa.Nouns;
import dev.uqabench.qa.QuestionConfig;
import dev.uqabench.qa.QuestionSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The stages of one run folder, each cached by its manifest: the shared front (data, questions,
 * LLM) once, then any number of pretrained encoders, alignments and evaluated variants.
 * {@link #forSeed} gives a view for a repetition with another seed: same front, its own folder.
 */
public final class Pipeline {

    private final Path runDir;
    private final Path outDir;
    private final long seed;
    private final boolean seededByList;
    private final RunConfig config;
    private final Progress progress;
    private final DataStage dataStage;
    private final QaStage qaStage;
    private final TinyLlmStage llmStage;
    private final PretrainStage pretrainStage;
    private final AlignStage alignStage;
    private final EvalStage evalStage;
    private final AuditStage auditStage;
    private Path data;
    private Path qa;
    private LlmHandle llm;
    private final Map<Path, EncoderStates> encoders;

    public Pipeline(Path runDir, RunConfig config, boolean force, Progress progress) {
        this.runDir = runDir;
        this.outDir = runDir;
        this.config = config.withResolvedAnswerMode();
        // without a seeds list the run is seeded as before: alignment by the run seed, pretraining by its own
        this.seededByList = this.config.seeds() != null;
        this.seed = seededByList ? this.config.seeds().get(0) : this.config.seed();
        this.progress = progress;
        config.sources().validate();
        StageRunner runner = new StageRunner(force, progress);
        this.dataStage = new DataStage(runner);
        this.qaStage = new QaStage(runner);
        this.llmStage = new TinyLlmStage(runner, progress);
        this.pretrainStage = new PretrainStage(runner, progress);
        this.alignStage = new AlignStage(runner, progress);
        Supplier<Evaluation.Context> context = new Lazy<>(() -> new Evaluation.Context(
                new CachedEventText(TokenizerEventText.open(config.sources().featureTokenizerFile(data)), 1 << 16),
                lang(), Nouns.ofDataFolder(data), config.evalBatchSize()));
        this.evalStage = new EvalStage(runner, context, progress);
        this.auditStage = new AuditStage(runner, progress);
        this.encoders = new ConcurrentHashMap<>();
    }

    private Pipeline(Pipeline front, Path outDir, long seed) {
        this.runDir = front.runDir;
        this.outDir = outDir;
        this.seed = seed;
        this.seededByList = true;
        this.config = front.config;
        this.progress = front.progress;
        this.dataStage = front.dataStage;
        this.qaStage = front.qaStage;
        this.llmStage = front.llmStage;
        this.pretrainStage = front.pretrainStage;
        this.alignStage = front.alignStage;
        this.evalStage = front.evalStage;
        this.auditStage = front.auditStage;
        this.data = front.data;
        this.qa = front.qa;
        this.llm = front.llm;
        this.encoders = front.encoders;
    }

    /**
     * A repetition with another seed: pretraining and alignment start from it (and the shuffled
     * control's derangement uses it); data, questions and the LLM are this pipeline's. Its stages
     * go to {@code seed-<s>/} so they never overwrite the first seed's.
     */
    public Pipeline forSeed(Integer otherSeed) {
        if (qa == null) {
            throw new IllegalStateException("front() must run before forSeed()");
        }
        if (otherSeed == null || (seededByList && otherSeed == seed)) {
            return this;
        }
        return new Pipeline(this, runDir.resolve("seed-" + otherSeed), otherSeed);
    }

    /** The seed of this pipeline's pretraining, alignment and shuffled-user derangement. */
    public long seed() {
        return seed;
    }

    /**
     * The leak audit of the run's questions (after the evaluations: it reads the test questions);
     * popularity solvers and history oracles need the data's pretrain files, skipped without them.
     */
    public Path audit() {
        Path dataFolder = Files.isRegularFile(data.resolve(ReleaseLayout.PRETRAIN_TRAIN)) ? data : null;
        return auditStage.run(runDir.resolve("audit"), new AuditStage.Input(qa, dataFolder)).folder();
    }

    /** The question folder (after {@link #front()}). */
    public Path qaFolder() {
        return qa;
    }

    public RunConfig config() {
        return config;
    }

    public Path runDir() {
        return runDir;
    }

    /** data, qa and the LLM: what every variant shares. External folders are used as they are. */
    public void front() {
        data();
        questions();
        llm();
    }

    /** The data folder: generated by the data stage, or the external one named by the sources. */
    public Path data() {
        Sources sources = config.sources();
        if (sources.dataFolder() != null) {
            data = Path.of(sources.dataFolder());
            progress.message("data: using " + data);
            // dataset.json, the tokenizer's hash and the catalog are read now, before any stage works on the folder
            ReleaseFolder external = ReleaseFolder.open(data, null, false);
            external.catalog();
            if (QuestionSet.ALIGNMENT.existsIn(data) && QuestionSet.TEST.existsIn(data)) {
                external.checkIds();   // no qa stage of ours reads these files first
            }
        } else {
            data = dataStage.run(runDir.resolve("data"), config.data()).folder();
        }
        return data;
    }

    /** The question folder (after {@link #data()}). */
    public Path questions() {
        requireData();
        Sources sources = config.sources();
        if (QuestionSet.ALIGNMENT.existsIn(data) && QuestionSet.TEST.existsIn(data)) {
            // The release's own questions are used as they are: its align files carry no user ids to
            // split by, so there are no validation questions. Pretraining still chooses its epoch on
            // the validation half of the held-out users (UserRoles needs only their ids); alignment
            // keeps its last epoch and says so; a tiny LLM would share the alignment users.
            qa = data;
            progress.message("qa: using the questions in " + data + " (no validation questions: alignment keeps "
                    + "its last epoch)");
        } else {
            qa = qaStage.run(runDir.resolve("qa"), new QaStage.Input(data, qaConfig(), config.seed(),
                    sources.featureTokenizerFile(data))).folder();
        }
        return qa;
    }

    /** The frozen LLM (after {@link #questions()}): the external checkpoint, or the built-in one trained on the LLM users' questions. */
    public LlmHandle llm() {
        if (qa == null) {
            throw new IllegalStateException("questions() must run before llm()");
        }
        Sources sources = config.sources();
        if (sources.llmFolder() != null) {
            Path folder = Path.of(sources.llmFolder());
            progress.message("llm: using " + folder);
            llm = LlmHandle.external(folder, ComputeType.parse(sources.llmDtype() == null ? "fp32" : sources.llmDtype()));
        } else {
            llm = llmStage.run(runDir.resolve("llm"), new TinyLlmStage.Input(data, qa, sources.featureTokenizerFile(data),
                    config.llm(), config.answerMode(), lang(), config.seed()));
        }
        return llm;
    }

    private void requireData() {
        if (data == null) {
            throw new IllegalStateException("data() must run first");
        }
    }

    /** The question config as run: an external LLM needs no training users of its own. */
    private QuestionConfig qaConfig() {
        return config.sources().llmFolder() == null ? config.qa() : config.qa().withLlmFraction(0);
    }

    /** Who validates and who tests (and who trains the built-in LLM): the same split in every stage. */
    public UserRoles roles() {
        QuestionConfig qaConfig = qaConfig();
        return new UserRoles(config.seed(), qaConfig.validationFraction(), qaConfig.llmFraction());
    }

    /** Question language: the data's for synthetic runs, the question config's for external data. */
    private String lang() {
        return config.sources().dataFolder() == null ? config.data().lang() : config.qa().lang().code();
    }

    /** The pretraining config as this pipeline runs it: with a {@code seeds} list, from this pipeline's seed. */
    public PretrainConfig seeded(PretrainConfig pretrainConfig) {
        return seededByList ? pretrainConfig.withSeed(seed) : pretrainConfig;
    }

    /** Pretrains; with a {@code seeds} list, from this pipeline's seed instead of the config's own. */
    public Path pretrain(String key, PretrainConfig pretrainConfig) {
        Path folder = key == null ? outDir.resolve("pretrain") : outDir.resolve("pretrain").resolve(key);
        PretrainConfig seeded = seeded(pretrainConfig);
        return pretrainStage.run(folder, new PretrainStage.Input(data, seeded, roles())).folder();
    }

    public Path align(String key, Path pretrainFolder, AlignConfig alignConfig) {
        Path folder = key == null ? outDir.resolve("align") : outDir.resolve("align").resolve(key);
        return alignStage.run(folder, new AlignStage.Input(pretrainFolder, llm, qa, alignConfig, config.answerMode(), seed))
                .folder();
    }

    /**
     * The learned-prompt control of an alignment: as many trained constant soft tokens as the adapter
     * of {@code alignConfig} makes, by the same recipe on the same questions, in
     * {@code align-learned-prompt/} (beside, not inside, a run's own {@code align/}: a re-run of that
     * stage replaces its whole folder).
     */
    public Path alignLearnedPrompt(Path pretrainFolder, AlignConfig alignConfig) {
        Path folder = outDir.resolve("align-learned-prompt");
        return alignStage.run(folder, new AlignStage.Input(pretrainFolder, llm, qa,
                learnedPromptConfig(alignConfig), config.answerMode(), seed)).folder();
    }

    /** The alignment config of the learned-prompt control of an alignment: as many soft tokens as its adapter makes. */
    public static AlignConfig learnedPromptConfig(AlignConfig alignConfig) {
        return alignConfig.learnedPrompt(alignConfig.softTokens());
    }

    /** Evaluates a text or question-only variant. */
    public Path evaluate(Variant variant) {
        return evaluate(variant, QuestionSet.TEST);
    }

    /** Evaluates a text or question-only variant on the test or the validation questions. */
    public Path evaluate(Variant variant, QuestionSet set) {
        return evaluate(variant, set, null);
    }

    /** Evaluates an embedding variant: the encoder of {@code pretrainFolder} through the adapter of {@code alignFolder}. */
    public Path evaluate(Variant variant, Path pretrainFolder, Path alignFolder, AlignConfig alignConfig) {
        return evaluate(variant, QuestionSet.TEST, pretrainFolder, alignFolder, alignConfig);
    }

    /**
     * Evaluates an embedding variant or one of its controls ({@code -shuffled}: the same folders;
     * {@code learned-prompt}: the learned-prompt align folder) on the test or validation questions.
     */
    public Path evaluate(Variant variant, QuestionSet set, Path pretrainFolder, Path alignFolder, AlignConfig alignConfig) {
        Supplier<Answerer.SoftPrompt> load = () -> {
            EncoderStates encoder = alignConfig.mode() == AlignConfig.Mode.ADAPTER_AND_ENCODER
                    ? AlignFolder.loadTunedEncoder(alignFolder, pretrainFolder)
                    : encoders.computeIfAbsent(pretrainFolder, EncoderStates::load);
            return new Answerer.SoftPrompt(encoder, AlignFolder.loadAdapter(alignFolder, alignConfig, encoder.hiddenSize(),
                    llm.model().config().hiddenSize()));
        };
        return evaluate(variant, set, new EvalStage.SoftTokens(pretrainFolder, alignFolder, load));
    }

    private Path evaluate(Variant variant, QuestionSet set, EvalStage.SoftTokens soft) {
        Path folder = outDir.resolve(set == QuestionSet.TEST ? "eval" : "eval-valid").resolve(variant.name());
        return evalStage.run(folder, new EvalStage.Input(variant, set, qa, llm, soft, config.answerMode(), seed)).folder();
    }

    /** A value made on first use (the LLM is loaded only when a stage actually runs). */
    private static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> make;
        private T value;

        Lazy(Supplier<T> make) {
            this.make = make;
        }

        @Override
        public synchronized T get() {
            if (value == null) {
                value = make.get();
            }
            return value;
        }
    }
}
