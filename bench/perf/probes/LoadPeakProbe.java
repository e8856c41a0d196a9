package dev.uqabench.llm;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throwaway probe (not built by Maven) behind bench/perf/README.md, fourteenth session: the peak resident memory
 * (VmHWM) of loading a Hugging Face folder in a compute dtype, and the seconds it takes.
 *
 * <pre>  javac -d /tmp/probe -cp "target/classes:target/lib/*" bench/perf/probes/LoadPeakProbe.java
 *   OMP_WAIT_POLICY=PASSIVE java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "/tmp/probe:target/classes:target/lib/*" \
 *       dev.uqabench.llm.LoadPeakProbe /tmp/uqabench-peer-qwen05-shape fp32</pre>
 */
public class LoadPeakProbe {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        LoadedModel m = HfFolder.load(Path.of(a[0]), ComputeType.parse(a[1]));
        double s = (System.nanoTime() - t0) / 1e9;
        String hwm = "", rss = "";
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) hwm = line.replaceAll("\\D", "");
            if (line.startsWith("VmRSS:")) rss = line.replaceAll("\\D", "");
        }
        System.out.printf("load %s in %s: %.2f s, peak RSS %.0f MB, RSS after %.0f MB%n", a[0], a[1], s,
                Long.parseLong(hwm) / 1e3, Long.parseLong(rss) / 1e3);
        m.tokenizer().close();
    }
}
