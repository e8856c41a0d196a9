package dev.uqabench.run;

import dev.uqabench.data.EventText;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.eval.Answerer;
import dev.uqabench.eval.Variant;
import dev.uqabench.llm.LoadedModel;
import dev.uqabench.qa.CachedEventText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The quickstart: every stage of the protocol on built-in synthetic data, into one run folder. */
public final class Quickstart {

    private Quickstart() {
    }

    public static boolean run(Path runDir, Path configFile, boolean force, boolean quiet) {
        RunConfig config = ConfigLoader.load(RunConfig.quickstart(), configFile, RunConfig.class);
        Progress progress = new Progress(System.err, quiet);
        StageRunner runner = new StageRunner(force, progress);
        long start = System.nanoTime();

        Path data = DataStage.run(runner, runDir.resolve("data"), config.data()).folder();
        Path qa = QaStage.run(runner, runDir.resolve("qa"), data, config.qa(), config.seed()).folder();
        Path llm = TinyLlmStage.run(runner, runDir.resolve("llm"), data, qa, config.llm(), config.data().lang(),
                config.seed(), progress).folder();

        Path pretrain = PretrainStage.run(runner, runDir.resolve("pretrain"), data, config.pretrain(), progress).folder();

        Lazy<LoadedModel> model = new Lazy<>(() -> TinyLlmStage.load(llm));
        Path align = AlignStage.run(runner, runDir.resolve("align"), pretrain, llm, qa, config.align(), model,
                config.seed(), progress).folder();
        Lazy<EvalStage.Context> context = new Lazy<>(() -> {
            EventText text = new CachedEventText(TokenizerEventText.open(data.resolve(ReleaseLayout.TOKENIZER_JSON)), 1 << 16);
            EncoderStates encoder = EncoderStates.load(pretrain);
            var adapter = AlignStage.loadAdapter(align, config.align(), encoder.hiddenSize(), model.get().config().hiddenSize());
            return new EvalStage.Context(text, config.data().lang(), new Answerer.SoftPrompt(encoder, adapter),
                    config.evalBatchSize());
        });
        List<Variant> variants = new ArrayList<>();
        variants.add(Variant.parse("none"));
        config.textEvents().forEach(n -> variants.add(Variant.parse("text" + n)));
        variants.add(Variant.parse(config.softVariant()));
        Map<String, Path> results = new LinkedHashMap<>();
        for (Variant v : variants) {
            Path folder = runDir.resolve("eval").resolve(v.name());
            Map<String, Path> upstream = v.kind() == Variant.Kind.SOFT
                    ? Map.of("llm", llm, "pretrain", pretrain, "align", align) : Map.of("llm", llm);
            EvalStage.run(runner, folder, v, qa, upstream, model, context, config.seed(), progress);
            results.put(v.name(), folder);
        }
        String table = ResultsTable.render(results);
        System.out.println(table);
        AtomicFiles.writeString(runDir.resolve("report.md"), ReportWriter.quickstart(runDir, results, table));
        progress.message(String.format("quickstart finished in %.1f s; report: %s", (System.nanoTime() - start) / 1e9,
                runDir.resolve("report.md")));
        return true;
    }

    /** A value made on first use (loading the LLM only when a stage actually runs). */
    static final class Lazy<T> implements java.util.function.Supplier<T> {
        private final java.util.function.Supplier<T> make;
        private T value;

        Lazy(java.util.function.Supplier<T> make) {
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
