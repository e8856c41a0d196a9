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
        long start = System.nanoTime();
        java.time.Instant started = java.time.Instant.now();
        // one run at a time in a folder (after the config and sources are validated: a refused run makes nothing);
        // under a launcher, every rank runs the stages and rank 0 writes the folder
        return Distributed.run(config, runDir, force, quiet, (pipeline, progress) -> {
            // ranks of a group already share the cores: their stages go one after another
            Lanes lanes = Distributed.isGroup() ? Lanes.of(1) : Lanes.of(config.lanes());
            if (lanes.count() > 1) {
                progress.message("running independent stages side by side in " + lanes.count() + " lanes");
            }
            pipeline.data();
            // the questions first: building them checks every id of the data, so bad input stops before any training
            pipeline.questions();
            // the LLM beside the first seed's pretraining, which needs only the data
            Path firstPretrain = lanes.both(pipeline::llm, () -> pipeline.pretrain(null, config.pretrain())).second();

            Map<String, Path> results = new LinkedHashMap<>();
            Variant none = Variant.parse("none");
            Map<String, Path> baselines = new LinkedHashMap<>();
            String soft = config.softVariant();
            List<UserInformation.SeedEvals> seeds = new ArrayList<>();
            for (Integer seed : config.repetitions()) {
                Pipeline repetition = pipeline.forSeed(seed);
                UserInformation.SeedEvals evals;
                if (seeds.isEmpty()) {
                    // the baselines run after the learned prompt's chain (its alignment reads no encoder and ends
                    // first; the text baselines run each user's history once): the two lanes end together
                    Path[] question = new Path[1];
                    Map<String, Path> texts = new java.util.concurrent.ConcurrentHashMap<>();
                    evals = Controls.run(repetition, lanes, soft, firstPretrain, null, config.align(),
                            () -> { },
                            () -> {
                                question[0] = pipeline.evaluate(none);
                                for (int n : config.textEvents()) {
                                    Variant text = Variant.parse("text" + n);
                                    texts.put(text.name(), pipeline.evaluate(text));
                                }
                            });
                    baselines.put(none.name(), question[0]);
                    for (int n : config.textEvents()) {
                        String text = Variant.parse("text" + n).name();
                        baselines.put(text, texts.get(text));
                    }
                    results.putAll(baselines);
                    results.put(soft, evals.embedding());
                    results.put(soft + Variant.SHUFFLED_SUFFIX, evals.shuffled());
                    results.put(Variant.LEARNED_PROMPT, evals.learnedPrompt());
                } else {
                    evals = Controls.run(repetition, lanes, soft, null, null, config.pretrain(), config.align());
                }
                seeds.add(evals);
            }

            Path audit = pipeline.audit();
            if (!Distributed.isMain()) {
                return true;   // rank 0 writes the report
            }
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
        });
    }
}
