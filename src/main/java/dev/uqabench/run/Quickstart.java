package dev.uqabench.run;

import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Variant;
import dev.uqabench.audit.AuditReport;
import dev.uqabench.report.QuickstartReport;
import dev.uqabench.report.ResultsTable;
import dev.uqabench.report.UserInformation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
        java.time.Instant started = java.time.Instant.now();
        Pipeline pipeline = new Pipeline(runDir, config, force, progress);
        // one run at a time in a folder (after the config and sources are validated: a refused run makes nothing)
        try (RunLock lock = RunLock.acquire(runDir)) {
            pipeline.front();

            Map<String, Path> results = new LinkedHashMap<>();
            Variant none = Variant.parse("none");
            results.put(none.name(), pipeline.evaluate(none));
            for (int n : config.textEvents()) {
                Variant text = Variant.parse("text" + n);
                results.put(text.name(), pipeline.evaluate(text));
            }
            String soft = config.softVariant();
            List<UserInformation.SeedEvals> seeds = new ArrayList<>();
            for (Integer seed : config.repetitions()) {
                UserInformation.SeedEvals evals = Controls.run(pipeline.forSeed(seed), soft, null, null, config.pretrain(),
                        config.align());
                if (seeds.isEmpty()) {
                    results.put(soft, evals.embedding());
                    results.put(soft + Variant.SHUFFLED_SUFFIX, evals.shuffled());
                    results.put(Variant.LEARNED_PROMPT, evals.learnedPrompt());
                }
                seeds.add(evals);
            }

            Path audit = pipeline.audit();
            String table = ResultsTable.render(results);
            System.out.println(table);
            String text = "text" + (config.textEvents().contains(20) ? 20 : config.textEvents().get(config.textEvents().size() - 1));
            String headline = UserInformation.section(Metrics.ALL, soft, seeds, text, results.get(text), results.get(none.name()));
            AtomicFiles.writeString(runDir.resolve("report.md"),
                    QuickstartReport.markdown(runDir, results, table, headline + AuditReport.section(audit),
                            pipeline.config().answerMode(), started, config.sources().dataFolder()));
            progress.message(String.format("quickstart finished in %.1f s; report: %s", (System.nanoTime() - start) / 1e9,
                    runDir.resolve("report.md")));
            return true;
        }
    }
}
