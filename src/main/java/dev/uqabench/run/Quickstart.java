package dev.uqabench.run;

import dev.uqabench.eval.Variant;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The quickstart: every stage of the protocol on built-in synthetic data, into one run folder. */
public final class Quickstart {

    private Quickstart() {
    }

    public static boolean run(Path runDir, Path configFile, boolean force, boolean quiet, Sources overrides) {
        RunConfig loaded = ConfigLoader.load(RunConfig.quickstart(), configFile, RunConfig.class);
        RunConfig config = loaded.withSources(loaded.sources().overriddenBy(overrides));
        Progress progress = new Progress(System.err, quiet);
        long start = System.nanoTime();
        Pipeline pipeline = new Pipeline(runDir, config, force, progress);
        pipeline.front();
        Path pretrain = pipeline.pretrain(null, config.pretrain());
        Path align = pipeline.align(null, pretrain, config.align());

        Map<String, Path> results = new LinkedHashMap<>();
        Variant none = Variant.parse("none");
        results.put(none.name(), pipeline.evaluate(none));
        for (int n : config.textEvents()) {
            Variant text = Variant.parse("text" + n);
            results.put(text.name(), pipeline.evaluate(text));
        }
        Variant soft = Variant.parse(config.softVariant());
        results.put(soft.name(), pipeline.evaluate(soft, pretrain, align, config.align()));

        String table = ResultsTable.render(results);
        System.out.println(table);
        AtomicFiles.writeString(runDir.resolve("report.md"), ReportWriter.quickstart(runDir, results, table, pipeline.config().answerMode()));
        progress.message(String.format("quickstart finished in %.1f s; report: %s", (System.nanoTime() - start) / 1e9,
                runDir.resolve("report.md")));
        return true;
    }
}
