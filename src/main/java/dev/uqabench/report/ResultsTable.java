package dev.uqabench.report;

import dev.uqabench.base.Manifest;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Score;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The results table: variant x All / groups / sub-tasks, with mean prompt tokens. */
public final class ResultsTable {

    private ResultsTable() {
    }

    /** Markdown table; {@code results} maps a variant name to its eval folder. */
    public static String render(Map<String, Path> results) {
        StringBuilder sb = new StringBuilder("| variant | n | All 95 % CI |");
        for (String key : Metrics.KEYS) {
            sb.append(' ').append(Metrics.header(key)).append(" |");
        }
        sb.append(" prompt tokens |\n|---|---:|---|");
        sb.append("---:|".repeat(Metrics.KEYS.size())).append("---:|\n");
        for (Map.Entry<String, Path> e : results.entrySet()) {
            Metrics m = Metrics.read(e.getValue().resolve(Metrics.FILE));
            Manifest manifest = Manifest.read(e.getValue());
            sb.append("| ").append(e.getKey()).append(" | ").append(m.all().n()).append(String.format(Locale.ROOT,
                    " | [%.1f, %.1f] |", m.all().lower(), m.all().upper()));
            for (String key : Metrics.KEYS) {
                Score s = m.get(key);
                sb.append(String.format(Locale.ROOT, " %.1f |", s.accuracy()));
            }
            Object tokens = manifest.metrics().get("mean_prompt_tokens");
            sb.append(String.format(Locale.ROOT, " %.1f |\n", ((Number) tokens).doubleValue()));
        }
        return sb.toString();
    }
}
