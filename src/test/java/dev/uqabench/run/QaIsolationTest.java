package dev.uqabench.run;

import dev.uqabench.align.EncoderStates;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.Manifest;
import dev.uqabench.base.Hashing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.align.Adapter;
import dev.uqabench.align.AlignFolder;
import dev.uqabench.align.AlignTrainer;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.data.text.WordTokenizerBuilder;
import dev.uqabench.llm.HfFolder;
import dev.uqabench.llm.ChatPrompter;
import dev.uqabench.llm.LlmTokenizer;
import dev.uqabench.llm.LlmHandle;
import dev.uqabench.llm.LoadedModel;
import dev.uqabench.llm.TinyLlmCorpus;
import dev.uqabench.llm.TinyLlmTrainer;
import dev.uqabench.qa.CachedEventText;
import dev.uqabench.qa.Nouns;
import dev.uqabench.qa.Question;
import dev.uqabench.qa.QuestionSet;
import dev.uqabench.qa.QuestionsJsonl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test isolation, read from the manifests of a micro run (data, qa, llm, pretrain, align): the test
 * questions are written by qa and declared as an input by no stage but eval/* (and a future audit),
 * neither by name nor by hash, and no such stage declares the whole qa folder; the four user groups
 * are disjoint; every choice is recorded as made on validation users; and the built-in LLM, whose
 * vocabulary never saw a test question, still tokenizes every test question without {@code <unk>}.
 */
class QaIsolationTest {

    static final String MICRO = """
            seed: 7
            data: {users: 160, items: 150, categories: 12, brands: 30, shops: 30, sellers: 30,
                   min_sequence_length: 20, max_sequence_length: 50}
            llm: {hidden_size: 32, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 64, steps: 4, batch_size: 4,
                  warmup_steps: 1, context_lengths: [0, 3], drills: 10}
            pretrain: {epochs: 2, batch_size: 16, max_length: 50, preset: tiny}
            align: {epochs: 2, batch_size: 16}
            text_events: [5]
            """;

    @TempDir
    static Path dir;
    static Path run;
    static RunConfig config;

    @BeforeAll
    static void microRun() throws Exception {
        Path file = Files.writeString(dir.resolve("micro.yaml"), MICRO);
        config = ConfigLoader.load(RunConfig.quickstart(), file, RunConfig.class).withResolvedAnswerMode();
        run = dir.resolve("run");
        Pipeline pipeline = new Pipeline(run, config, false, Progress.silent());
        pipeline.front();
        Path pretrain = pipeline.pretrain(null, config.pretrain());
        pipeline.align(null, pretrain, config.align());
    }

    /** The saved adapter is the kept epoch's: its validation loss is the one recorded for that epoch. */
    @Test
    void theSavedAdapterIsTheBestEpochs() {
        LoadedModel model = LlmHandle.builtIn(run.resolve("llm")).model();
        ChatPrompter prompter = ChatPrompter.of(model);
        EncoderStates encoder = EncoderStates.load(run.resolve("pretrain"));
        Adapter adapter = AlignFolder.loadAdapter(run.resolve("align"), config.align(), encoder.hiddenSize(),
                model.config().hiddenSize());
        Path file = run.resolve("qa").resolve(ReleaseLayout.ALIGN_VALID);
        List<AlignTrainer.Example> validation = new ArrayList<>();
        for (ReleaseRow row : ReleaseReader.open(file).readAll()) {
            validation.add(new AlignTrainer.Example(row.sequence(), prompter.prompt(row.chat().question()),
                    prompter.answer(config.answerMode().trainingAnswer(row.chat().question(), row.chat().answer(),
                            file + " row " + row.index()))));
        }
        double loss = AlignTrainer.validationLoss(adapter, encoder, model.decoder(), validation, config.align().batchSize(),
                model.padId());
        double recorded = ((Number) Manifest.read(run.resolve("align")).metrics().get("validation_loss")).doubleValue();
        assertEquals(recorded, loss, 1e-4);
    }

    @Test
    void onlyEvalStagesDeclareTheTestQuestions() throws Exception {
        Path qa = run.resolve("qa");
        Map<String, String> forbidden = new HashMap<>();
        forbidden.put(Hashing.sha256(qa.resolve(Manifest.FILE)), "the whole qa folder");
        for (String name : QuestionSet.TEST.files()) {
            assertTrue(Manifest.read(qa).outputs().containsKey(name), "qa writes " + name);
            forbidden.put(Hashing.sha256(qa.resolve(name)), name);
        }
        List<Manifest> checked = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(run)) {
            for (Path m : walk.filter(p -> p.getFileName().toString().equals(Manifest.FILE)).toList()) {
                Manifest manifest = Manifest.read(m.getParent());
                if (manifest.stage().startsWith("eval/") || manifest.stage().equals("audit")) {
                    continue;
                }
                manifest.inputs().forEach((name, hash) -> {
                    assertFalse(forbidden.containsKey(hash), manifest.stage() + " declares " + forbidden.get(hash)
                            + " as its input '" + name + "'");
                    assertFalse(name.equals("qa") || QuestionSet.TEST.files().stream().anyMatch(name::contains),
                            manifest.stage() + " declares input '" + name + "'");
                });
                checked.add(manifest);
            }
        }
        assertEquals(Set.of("data", "qa", "llm", "pretrain", "align"),
                new HashSet<>(checked.stream().map(Manifest::stage).toList()), "stages checked");
        Manifest llm = Manifest.read(run.resolve("llm"));
        assertTrue(llm.inputs().containsKey("qa/" + ReleaseLayout.ALIGN_LLM), "llm inputs " + llm.inputs().keySet());
        Manifest align = Manifest.read(run.resolve("align"));
        assertTrue(align.inputs().containsKey("qa/" + ReleaseLayout.ALIGN_VALID), "align inputs " + align.inputs().keySet());
    }

    @Test
    void theFourUserGroupsAreDisjointAndCounted() {
        Path qa = run.resolve("qa");
        Map<String, Set<String>> users = new HashMap<>();
        for (String file : List.of(QuestionSet.LLM.jsonl(), QuestionSet.ALIGNMENT.jsonl(), QuestionSet.VALIDATION.jsonl(),
                QuestionSet.TEST.jsonl())) {
            Set<String> ids = new HashSet<>();
            for (Question q : QuestionsJsonl.read(qa.resolve(file))) {
                ids.add(q.user());
            }
            assertFalse(ids.isEmpty(), file + " has questions");
            for (Map.Entry<String, Set<String>> other : users.entrySet()) {
                Set<String> shared = new HashSet<>(ids);
                shared.retainAll(other.getValue());
                assertTrue(shared.isEmpty(), file + " and " + other.getKey() + " share users " + shared);
            }
            users.put(file, ids);
        }
        Map<String, Object> metrics = Manifest.read(qa).metrics();
        // a user may get no question (too short a history), never a question outside their group
        assertTrue(((Number) metrics.get("users_test")).intValue() >= users.get(QuestionSet.TEST.jsonl()).size());
        assertTrue(((Number) metrics.get("users_validation")).intValue() >= users.get(QuestionSet.VALIDATION.jsonl()).size());
        assertTrue(((Number) metrics.get("users_llm")).intValue() >= users.get(QuestionSet.LLM.jsonl()).size());
    }

    @Test
    void choicesAreMadeOnValidationUsers() {
        Manifest pretrain = Manifest.read(run.resolve("pretrain"));
        Manifest qa = Manifest.read(run.resolve("qa"));
        assertEquals(((Number) qa.metrics().get("users_validation")).longValue(),
                ((Number) pretrain.metrics().get("validation_users")).longValue(), "pretrain picks on the qa's validation users");
        assertTrue(pretrain.metrics().containsKey("test_recall@10"), "test ranking reported: " + pretrain.metrics().keySet());
        Manifest align = Manifest.read(run.resolve("align"));
        assertEquals(2, ((List<?>) align.metrics().get("validation_loss_per_epoch")).size());
        int best = ((Number) align.metrics().get("best_epoch")).intValue();
        assertTrue(best == 1 || best == 2, "best epoch " + best);
    }

    @Test
    void testQuestionsTokenizeWithoutUnknownPieces() {
        Path tokenizerFile = LlmHandle.builtInModel(run.resolve("llm")).resolve(HfFolder.TOKENIZER);
        try (LlmTokenizer tokenizer = LlmTokenizer.load(tokenizerFile)) {
            long unknown = tokenizer.tokenId(WordTokenizerBuilder.UNKNOWN).orElseThrow();
            List<ReleaseRow> rows = ReleaseReader.open(run.resolve("qa").resolve(ReleaseLayout.ALIGN_EVAL)).readAll();
            assertFalse(rows.isEmpty());
            for (ReleaseRow row : rows) {
                for (long id : tokenizer.encode(row.chat().question(), false)) {
                    assertTrue(id != unknown, "test row " + row.index() + " has a piece outside the vocabulary: "
                            + row.chat().question());
                }
            }
        }
    }

    /**
     * {@link TinyLlmCorpus#encodeWith} (held-out conversations through an existing tokenizer, for TinyLlmBenchmark)
     * makes the question conversations exactly as the corpus does: over the LLM users' questions, with the same seed,
     * it gives the corpus's first examples (the drills follow them) id for id and answer token for answer token.
     */
    @Test
    void conversationsEncodedWithTheSavedTokenizerAreTheCorpussOwn() throws Exception {
        Path data = run.resolve("data");
        Path qa = run.resolve("qa");
        TinyLlmStage.Input in = new TinyLlmStage.Input(data, qa, config.sources().featureTokenizerFile(data), config.llm(),
                config.answerMode(), config.data().lang(), config.seed());
        Path tokenizer = dir.resolve("encode-with").resolve(HfFolder.TOKENIZER);
        Path llmFile = qa.resolve(QuestionSet.LLM.arrow());
        TinyLlmStage.Corpus built = TinyLlmStage.corpus(in, llmFile, qa.resolve(QuestionSet.ALIGNMENT.arrow()), tokenizer);
        List<TinyLlmTrainer.Example> corpus = built.encoded().examples();
        List<TinyLlmTrainer.Example> again;
        try (TokenizerEventText decoder = TokenizerEventText.open(in.featureTokenizer())) {
            again = TinyLlmCorpus.encodeWith(new TinyLlmCorpus.Input(built.training(), llmFile, List.of(), null,
                    new CachedEventText(decoder, 1 << 10), in.lang(), Nouns.ofDataFolder(data)), config.llm(),
                    config.answerMode(), config.seed(), tokenizer);
        }
        assertTrue(again.size() > 10 && again.size() < corpus.size(), again.size() + " of " + corpus.size());
        for (int i = 0; i < again.size(); i++) {
            assertArrayEquals(corpus.get(i).ids(), again.get(i).ids(), "conversation " + i);
            assertEquals(corpus.get(i).answerTokens(), again.get(i).answerTokens(), "conversation " + i);
        }
    }
}
