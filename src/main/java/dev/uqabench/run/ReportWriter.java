package dev.uqabench.run;

import java.nio.file.Path;
import java.util.Map;

/** report.md of a quickstart run: the table, what each variant is, and where every number comes from. */
public final class ReportWriter {

    private ReportWriter() {
    }

    public static String quickstart(Path runDir, Map<String, Path> results, String table) {
        StringBuilder sb = new StringBuilder("# uqabench quickstart\n\n");
        sb.append("Accuracy (%) on the test questions, scored as the UQABench reference does "
                + "(a prediction is right when it starts with the gold letter). Chance is 25 %.\n\n");
        sb.append(table).append('\n');
        sb.append("- `none`: the question only (the floor).\n");
        sb.append("- `textN`: the user's last N events written out (title, category, brand, shop) before the question.\n");
        sb.append("- `<encoder>-<adapter>`: soft tokens from the pretrained encoder through the adapter, before the prompt.\n\n");
        sb.append("## Provenance\n\n");
        for (Map.Entry<String, Path> e : results.entrySet()) {
            Path rel = runDir.relativize(e.getValue());
            sb.append("- ").append(e.getKey()).append(": [").append(rel).append("/metrics.json](").append(rel)
                    .append("/metrics.json), manifest [").append(rel).append("/manifest.json](").append(rel)
                    .append("/manifest.json)\n");
        }
        return sb.toString();
    }
}
