package dev.uqabench.run;

import dev.uqabench.base.Json;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.synthetic.SyntheticConfig;
import dev.uqabench.data.synthetic.SyntheticGenerator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** data: the built-in synthetic data set, written in the UQABench release layout. */
public final class DataStage {

    private DataStage() {
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, SyntheticConfig config) {
        return runner.run("data", folder, Json.mapper().valueToTree(config), config.seed(), Map.of(), work -> {
            DatasetInfo info = new SyntheticGenerator(config).generate(work);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("users", info.counts().users());
            metrics.put("events", info.counts().events());
            metrics.put("items", config.items());
            return metrics;
        });
    }
}
