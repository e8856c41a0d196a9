package dev.uqabench.run;

import dev.uqabench.base.UqaException;
import java.nio.file.Files;

import dev.uqabench.base.Json;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.synthetic.SyntheticConfig;
import dev.uqabench.data.synthetic.SyntheticGenerator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** data: the built-in synthetic data set, written in the UQABench release layout. */
public final class DataStage implements Stage<SyntheticConfig, DataStage.Output> {

    /** @param folder the data folder (release layout) */
    public record Output(Path folder) {
    }

    private final StageRunner runner;

    public DataStage(StageRunner runner) {
        this.runner = runner;
    }

    @Override
    public Output run(Path folder, SyntheticConfig config) {
        runner.run("data", folder, Json.mapper().valueToTree(config), config.seed(), Map.of(), work -> {
            long usable = Files.getFileStore(work).getUsableSpace();
            if (config.estimatedBytes() > usable) {
                throw new UqaException("data: the synthetic data would take about " + config.estimatedBytes() / 1_000_000
                        + " MB, but " + work.getParent() + " has " + usable / 1_000_000 + " MB free; lower data.users or"
                        + " free some space");
            }
            DatasetInfo info = new SyntheticGenerator(config).generate(work);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("users", info.counts().users());
            metrics.put("events", info.counts().events());
            metrics.put("items", config.items());
            return metrics;
        });
        return new Output(folder);
    }
}
