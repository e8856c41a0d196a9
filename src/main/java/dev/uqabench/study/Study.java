package dev.uqabench.study;

import dev.uqabench.run.Controls;
import dev.uqabench.run.Lanes;
import dev.uqabench.run.RunConfig;
import dev.uqabench.run.RunLock;
import dev.uqabench.run.Progress;
import dev.uqabench.run.Pipeline;
import dev.uqabench.base.Manifest;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.audit.AuditReport;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Score;
import dev.uqabench.eval.Variant;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.qa.QuestionSet;
import dev.uqabench.report.UserInformation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code uqabench study}: the question-only floor, every text baseline and every embedding cell of a
 * {@link StudyConfig} on one run folder. Each stage is cached by its manifest, so an interrupted
 * study resumes where it stopped and a finished one is only re-reported.
 */
public final class Study {

    private Study() {
    }

    public static List<StudyRow> run(Path runDir, StudyConfig study, boolean force, boolean quiet) {
        Progress progress = new Progress(System.err, quiet);
        long start = System.nanoTime();
        RunConfig run = study.run();
        Pipeline pipeline = new Pipeline(runDir, run, force, progress);
        // one run at a time in a folder (after the config and sources are validated: a refused run makes nothing)
        try (RunLock lock = RunLock.acquire(runDir)) {
            Lanes lanes = Lanes.of(run.lanes());
            if (lanes.count() > 1) {
                progress.message("running independent stages side by side in " + lanes.count() + " lanes");
            }
            StudyConfig.Cell defaults = study.defaults();
            List<StudyConfig.Cell> cells = study.cells();
            pipeline.data();
            // the questions first: building them checks every id of the data, so bad input stops before any training
            pipeline.questions();
            // the LLM and the text baselines beside every cell's pretraining (which needs only the data)
            List<StudyRow> rows = new ArrayList<>();
            Lanes.Both<Map<String, Double>, Map<String, Path>> front = lanes.both(() -> {
                pipeline.llm();
                // best-variant picks on held-out validation questions when the qa stage made them, else on test (said in the report)
                Map<String, Double> picks = QuestionSet.VALIDATION.existsIn(pipeline.qaFolder()) ? new LinkedHashMap<>() : null;
                Variant none = Variant.parse("none");
                rows.add(textRow(none, pipeline.evaluate(none), runDir));
                for (int n : study.textBaselines()) {
                    Variant text = Variant.parse("text" + n);
                    rows.add(textRow(text, pipeline.evaluate(text), runDir));
                    if (picks != null) {
                        picks.put(text.name(), accuracy(pipeline.evaluate(text, QuestionSet.VALIDATION), study.metric()));
                    }
                }
                return picks;
            }, () -> {
                Map<String, Path> made = new LinkedHashMap<>();
                for (StudyConfig.Cell cell : cells) {
                    made.computeIfAbsent(cell.pretrainKey(), key -> pipeline.pretrain(key, pretrainConfig(study, cell)));
                }
                return made;
            });
            Map<String, Double> validation = front.first();
            Map<String, Path> pretrains = front.second();
            // each cell's alignment and evaluations; two lanes take cells from one queue, rows keep the matrix's order
            StudyRow[] cellRows = new StudyRow[cells.size()];
            Double[] cellPicks = new Double[cells.size()];
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.function.Supplier<Void> worker = () -> {
                for (int i = next.getAndIncrement(); i < cells.size(); i = next.getAndIncrement()) {
                    StudyConfig.Cell cell = cells.get(i);
                    String name = cell.name(defaults);
                    progress.message(String.format(Locale.ROOT, "study: variant %d/%d %s", i + 1, cells.size(), name));
                    AlignConfig alignConfig = alignConfig(study, cell);
                    Path pretrain = pretrains.get(cell.pretrainKey());
                    Path align = pipeline.align(cell.alignKey(), pretrain, alignConfig);
                    Path eval = pipeline.evaluate(Variant.parse(name), pretrain, align, alignConfig);
                    cellRows[i] = embeddingRow(name, cell, pretrain, eval, runDir, study.base().pretrain().maxLength());
                    if (validation != null) {
                        cellPicks[i] = accuracy(pipeline.evaluate(Variant.parse(name), QuestionSet.VALIDATION, pretrain,
                                align, alignConfig), study.metric());
                    }
                }
                return null;
            };
            lanes.both(worker, worker);
            for (int i = 0; i < cells.size(); i++) {
                rows.add(cellRows[i]);
                if (validation != null) {
                    validation.put(cells.get(i).name(defaults), cellPicks[i]);
                }
            }
            // the controls of the default cell, on every seed (the first seed's embedding run is the matrix's, reused)
            String defaultName = defaults.name(defaults);
            List<UserInformation.SeedEvals> seeds = new ArrayList<>();
            for (Integer seed : run.repetitions()) {
                Pipeline repetition = pipeline.forSeed(seed);
                progress.message("study: controls of " + defaultName + " on seed " + repetition.seed());
                UserInformation.SeedEvals evals = Controls.run(repetition, lanes, defaultName, defaults.pretrainKey(),
                        defaults.alignKey(), pretrainConfig(study, defaults), alignConfig(study, defaults));
                if (seeds.isEmpty()) {
                    rows.add(controlRow(defaultName + Variant.SHUFFLED_SUFFIX, "shuffled", evals.shuffled(), runDir));
                    rows.add(controlRow(Variant.LEARNED_PROMPT, "learned-prompt", evals.learnedPrompt(), runDir));
                }
                seeds.add(evals);
            }
            writeResults(runDir, rows);
            writeSeeds(runDir, study.metric(), defaultName, seeds);
            String audit = AuditReport.section(pipeline.audit());
            StudyReport.write(runDir, study, rows, new StudyReport.Controls(defaultName, seeds, validation), audit);
            progress.message(String.format(Locale.ROOT, "study finished in %.1f s: %s, %s", (System.nanoTime() - start) / 1e9,
                    runDir.resolve("study.csv"), runDir.resolve("report.html")));
            return rows;
        }
    }

    static PretrainConfig pretrainConfig(StudyConfig study, StudyConfig.Cell cell) {
        PretrainConfig base = study.base().pretrain();
        return new PretrainConfig(cell.encoder(), cell.preset(), cell.features(), base.maxLength(), base.batchSize(),
                base.epochs(), base.learningRate(), base.weightDecay(), base.warmupSteps(), base.clipNorm(), base.loss(),
                base.negatives(), base.checkpointEvery(), base.evalUsers(), base.seed(), base.schedule(), base.compactTables(),
                base.precision(), base.tableMoments());
    }

    static AlignConfig alignConfig(StudyConfig study, StudyConfig.Cell cell) {
        AlignConfig a = study.base().align();
        return new AlignConfig(cell.adapter(), a.queryTokens(), cell.mode(), a.epochs(), a.batchSize(), a.learningRate(),
                a.encoderLearningRate(), a.warmupFraction(), a.clipNorm(), a.beta1(), a.beta2(), a.weightDecay(), a.schedule(),
                a.checkpointEvery(), a.precision());
    }

    private static double accuracy(Path eval, String metric) {
        return Metrics.read(eval.resolve(Metrics.FILE)).get(metric).accuracy();
    }

    /** A control's row: kind {@code shuffled} or {@code learned-prompt}, never a candidate for "best embedding". */
    static StudyRow controlRow(String name, String kind, Path eval, Path runDir) {
        return row(name, kind, null, null, null, null, null, 0, 0, 0, eval, runDir);
    }

    /** {@code study-seeds.csv}: the main comparisons' accuracy on every seed. */
    static void writeSeeds(Path runDir, String metric, String embedding, List<UserInformation.SeedEvals> seeds) {
        StringBuilder csv = new StringBuilder("seed,variant,metric,accuracy,source\n");
        for (UserInformation.SeedEvals s : seeds) {
            for (Map.Entry<String, Path> e : Map.of(embedding, s.embedding(), embedding + Variant.SHUFFLED_SUFFIX,
                    s.shuffled(), Variant.LEARNED_PROMPT, s.learnedPrompt()).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).toList()) {
                csv.append(String.format(Locale.ROOT, "%d,%s,%s,%.4f,%s\n", s.seed(), e.getKey(), metric,
                        accuracy(e.getValue(), metric), runDir.relativize(e.getValue())));
            }
        }
        AtomicFiles.writeString(runDir.resolve("study-seeds.csv"), csv.toString());
    }

    static StudyRow textRow(Variant variant, Path eval, Path runDir) {
        return row(variant.name(), variant.kind() == Variant.Kind.NONE ? "none" : "text", null, null, null, null, null,
                variant.textEvents(), 0, 0, eval, runDir);
    }

    static StudyRow embeddingRow(String name, StudyConfig.Cell cell, Path pretrain, Path eval, Path runDir, int maxLength) {
        long parameters = ((Number) Manifest.read(pretrain).metrics().get("parameters")).longValue();
        long backbone = EncoderRegistry.kind(cell.encoder()).preset(cell.preset()).parameterCount(maxLength);
        return row(name, "embedding", cell.encoder(), cell.preset(), cell.features().name().toLowerCase(Locale.ROOT),
                cell.adapter().name().toLowerCase(Locale.ROOT), cell.mode().name().toLowerCase(Locale.ROOT), 0,
                parameters, backbone, eval, runDir);
    }

    private static StudyRow row(String name, String kind, String encoder, String preset, String features, String adapter,
                                String mode, int textEvents, long parameters, long backbone, Path eval, Path runDir) {
        Metrics metrics = Metrics.read(eval.resolve(Metrics.FILE));
        Map<String, Object> headline = Manifest.read(eval).metrics();
        Map<String, Double> acc = new LinkedHashMap<>();
        Map<String, Double> lo = new LinkedHashMap<>();
        Map<String, Double> hi = new LinkedHashMap<>();
        for (String key : Metrics.KEYS) {
            Score s = metrics.get(key);
            acc.put(key, s.accuracy());
            lo.put(key, s.lower());
            hi.put(key, s.upper());
        }
        return new StudyRow(name, kind, encoder, preset, features, adapter, mode, textEvents, parameters, backbone,
                metrics.all().n(), ((Number) headline.get("mean_prompt_tokens")).doubleValue(),
                ((Number) headline.get("seconds_per_question")).doubleValue(), acc, lo, hi,
                runDir.relativize(eval).toString());
    }

    static void writeResults(Path runDir, List<StudyRow> rows) {
        AtomicFiles.writeJson(runDir.resolve("study.json"), rows);
        StringBuilder csv = new StringBuilder("variant,kind,encoder,preset,features,adapter,mode,text_events,parameters,"
                + "backbone_parameters,questions,mean_prompt_tokens,seconds_per_question");
        for (String key : Metrics.KEYS) {
            String k = key.toLowerCase(Locale.ROOT).replace(' ', '_');
            csv.append(',').append(k).append(',').append(k).append("_ci_low,").append(k).append("_ci_high");
        }
        csv.append(",source\n");
        for (StudyRow r : rows) {
            csv.append(String.join(",", r.variant(), r.kind(), nz(r.encoder()), nz(r.preset()), nz(r.features()),
                    nz(r.adapter()), nz(r.mode()), String.valueOf(r.textEvents()), String.valueOf(r.parameters()),
                    String.valueOf(r.backboneParameters()), String.valueOf(r.questions()),
                    String.format(Locale.ROOT, "%.2f", r.meanPromptTokens()),
                    String.format(Locale.ROOT, "%.5f", r.secondsPerQuestion())));
            for (String key : Metrics.KEYS) {
                csv.append(String.format(Locale.ROOT, ",%.4f,%.4f,%.4f", r.accuracy().get(key), r.lower().get(key),
                        r.upper().get(key)));
            }
            csv.append(',').append(r.source()).append('\n');
        }
        AtomicFiles.writeString(runDir.resolve("study.csv"), csv.toString());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
