package dev.uqabench.run;

import dev.uqabench.audit.Audit;
import dev.uqabench.audit.AuditLimits;
import dev.uqabench.audit.AuditReport;
import dev.uqabench.audit.AuditResult;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * audit: how well solvers that never see the user (only the options) and rule-based history
 * oracles answer the test questions ({@link Audit}). Runs after the evaluations: it reads the test
 * questions but decides nothing for any other stage. A leak is reported, not fatal: the run's
 * report puts the verdict next to the accuracies it qualifies.
 */
public final class AuditStage implements Stage<AuditStage.Input, AuditStage.Output> {

    /** @param dataFolder the data the questions were built from (null: popularity solvers and oracles are skipped) */
    public record Input(Path qaFolder, Path dataFolder) {
    }

    /** @param folder the audit folder: {@link Audit#JSON_FILE} and the report section {@link Audit#MARKDOWN_FILE} */
    public record Output(Path folder) {
    }

    private final StageRunner runner;
    private final Progress progress;

    public AuditStage(StageRunner runner, Progress progress) {
        this.runner = runner;
        this.progress = progress;
    }

    @Override
    public Output run(Path folder, Input in) {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("qa", in.qaFolder());
        if (in.dataFolder() != null) {
            inputs.put("data", in.dataFolder());
        }
        AuditLimits limits = AuditLimits.DEFAULT;
        var config = Json.mapper().createObjectNode().put("all_limit", limits.allTasks()).put("subtask_limit", limits.subtask())
                .put("min_subtask_questions", limits.minSubtaskQuestions());
        StageRunner.Outcome outcome = runner.run("audit", folder, config, 0, inputs, work -> {
            AuditResult result = Audit.run(in.qaFolder(), in.dataFolder(), limits);
            AtomicFiles.writeString(work.resolve(Audit.JSON_FILE), AuditReport.json(result));
            AtomicFiles.writeString(work.resolve(Audit.MARKDOWN_FILE), AuditReport.markdown(result));
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("leak", result.leak());
            metrics.put("breaches", result.breaches().stream().map(AuditResult.Breach::line).toList());
            metrics.put("best_blind_all", result.bestBlindAll());
            metrics.put("test_questions", result.testQuestions());
            return metrics;
        });
        Object breaches = outcome.manifest().metrics().get("breaches");
        if (Boolean.TRUE.equals(outcome.manifest().metrics().get("leak")) && breaches instanceof Iterable<?> lines) {
            lines.forEach(line -> progress.message("audit: " + line));
        }
        return new Output(folder);
    }
}
