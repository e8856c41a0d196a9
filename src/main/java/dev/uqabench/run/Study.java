package dev.uqabench.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Score;
import dev.uqabench.eval.Variant;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.report.StudyReport;
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
        Pipeline pipeline = new Pipeline(runDir, study.base(), force, progress);
        pipeline.front();
        List<StudyRow> rows = new ArrayList<>();
        Variant none = Variant.parse("none");
        rows.add(textRow(none, pipeline.evaluate(none), runDir));
        for (int n : study.textBaselines()) {
            Variant text = Variant.parse("text" + n);
            rows.add(textRow(text, pipeline.evaluate(text), runDir));
        }
        StudyConfig.Cell defaults = study.defaults();
        List<StudyConfig.Cell> cells = study.cells();
        for (int i = 0; i < cells.size(); i++) {
            StudyConfig.Cell cell = cells.get(i);
            String name = cell.name(defaults);
            progress.message(String.format(Locale.ROOT, "study: variant %d/%d %s", i + 1, cells.size(), name));
            PretrainConfig base = study.base().pretrain();
            PretrainConfig pretrainConfig = new PretrainConfig(cell.encoder(), cell.preset(), cell.features(),
                    base.maxLength(), base.batchSize(), base.epochs(), base.learningRate(), base.weightDecay(),
                    base.warmupSteps(), base.clipNorm(), base.loss(), base.negatives(), base.checkpointEvery(),
                    base.evalUsers(), base.seed());
            AlignConfig a = study.base().align();
            AlignConfig alignConfig = new AlignConfig(cell.adapter(), a.queryTokens(), cell.mode(), a.epochs(),
                    a.batchSize(), a.learningRate(), a.encoderLearningRate(), a.warmupFraction(), a.clipNorm());
            Path pretrain = pipeline.pretrain(cell.pretrainKey(), pretrainConfig);
            Path align = pipeline.align(cell.alignKey(), pretrain, alignConfig);
            Path eval = pipeline.evaluate(Variant.parse(name), pretrain, align, alignConfig);
            rows.add(embeddingRow(name, cell, pretrain, eval, runDir, base.maxLength()));
        }
        writeResults(runDir, rows);
        StudyReport.write(runDir, study, rows);
        progress.message(String.format(Locale.ROOT, "study finished in %.1f s: %s, %s", (System.nanoTime() - start) / 1e9,
                runDir.resolve("study.csv"), runDir.resolve("report.html")));
        return rows;
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
        Metrics metrics = Metrics.read(eval.resolve(EvalStage.METRICS));
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
