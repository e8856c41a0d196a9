package dev.uqabench.data;

import dev.uqabench.base.Json;
import dev.uqabench.base.AtomicFiles;

import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleasePass;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.data.csv.CsvImportOptions;
import dev.uqabench.data.csv.CsvImporter;
import dev.uqabench.data.synthetic.SyntheticConfig;
import dev.uqabench.data.synthetic.SyntheticGenerator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Data-stage benchmarks; each prints its figures and writes them as JSON. Run each in its own JVM
 * with the heap limit under test, e.g.
 *
 * <pre>
 * java -Xmx6g  ... DataBenchmark generate /tmp/uqa-big 184000 figures-generate.json
 * java -Xmx2g  ... DataBenchmark read     /tmp/uqa-big figures-read.json
 * java -Xmx6g  ... DataBenchmark csv      /tmp/uqa-csv 1000000 figures-csv.json
 * </pre>
 *
 * Peak memory is the process's peak resident set (VmHWM from /proc/self/status: heap, Arrow's
 * off-heap buffers and native tokenizer memory together) and the peak Java heap in use.
 */
public final class DataBenchmark {

    private DataBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: DataBenchmark generate DIR USERS OUT.json | read DIR OUT.json | csv DIR ROWS OUT.json");
            System.exit(2);
        }
        Map<String, Object> figures = switch (args[0]) {
            case "generate" -> generate(Path.of(args[1]), Integer.parseInt(args[2]));
            case "read" -> read(Path.of(args[1]));
            case "csv" -> csv(Path.of(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
        };
        figures.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        figures.put("peak_heap_used_bytes", peakHeap());
        figures.put("peak_rss_bytes", peakRss());
        String json = Json.pretty().writeValueAsString(figures);
        System.out.println(json);
        AtomicFiles.writeString(Path.of(args[args.length - 1]), json + "\n");
    }

    /** Release-scale synthetic data: lengths 30..512 (log-uniform), a million items. */
    static Map<String, Object> generate(Path directory, int users) {
        SyntheticConfig config = SyntheticConfig.quickstart().withUsers(users)
                .withCatalog(1_000_000, 250, 150_000, 268_000, 268_000).withSequenceLengths(30, 512);
        long start = System.nanoTime();
        DatasetInfo info = new SyntheticGenerator(config).generate(directory);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("benchmark", "generate");
        figures.put("users", info.counts().users());
        figures.put("events", info.counts().events());
        figures.put("seconds", seconds);
        figures.put("events_per_second", info.counts().events() / seconds);
        return figures;
    }

    /** One full pass over the pretrain and future files, decoding every event into Java objects. */
    static Map<String, Object> read(Path directory) {
        long rows = 0;
        long events = 0;
        long maxLength = 0;
        long checksum = 0;
        long start = System.nanoTime();
        for (String name : List.of(ReleaseLayout.PRETRAIN_TRAIN, ReleaseLayout.PRETRAIN_EVAL, ReleaseLayout.FUTURE)) {
            try (ReleasePass pass = ReleaseReader.open(directory.resolve(name)).rows(256)) {
                while (pass.hasNext()) {
                    for (ReleaseRow row : pass.next()) {
                        rows++;
                        events += row.sequence().length();
                        maxLength = Math.max(maxLength, row.sequence().length());
                        // touch every event so the pass cannot be optimised away
                        for (Event event : row.sequence().events()) {
                            checksum += event.item() + event.tokens()[0].length;
                        }
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("benchmark", "read");
        figures.put("rows", rows);
        figures.put("events", events);
        figures.put("max_sequence_length", maxLength);
        figures.put("seconds", seconds);
        figures.put("events_per_second", events / seconds);
        figures.put("checksum", checksum);
        return figures;
    }

    /** Writes a {@code rows}-row click log (and an items file), then imports it. */
    static Map<String, Object> csv(Path directory, int rows) throws IOException {
        Files.createDirectories(directory);
        Path clicks = directory.resolve("clicks.csv");
        Path items = directory.resolve("items.csv");
        Random random = new Random(1);
        int users = Math.max(1, rows / 50);
        int itemCount = Math.max(1, rows / 20);
        try (BufferedWriter out = Files.newBufferedWriter(items, StandardCharsets.UTF_8)) {
            out.write("item,category,brand,title\n");
            for (int i = 0; i < itemCount; i++) {
                out.write("sku" + i + ",cat" + (i % 300) + ",brand" + (i % 5000) + ",\"Item " + i + ", size " + (i % 7) + "\"\n");
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(clicks, StandardCharsets.UTF_8)) {
            out.write("user,item,timestamp\n");
            for (int r = 0; r < rows; r++) {
                out.write("user" + random.nextInt(users) + ",sku" + random.nextInt(itemCount) + "," + (1_700_000_000L + r) + "\n");
            }
        }
        long start = System.nanoTime();
        DatasetInfo info = new CsvImporter(CsvImportOptions.of(clicks, items))
                .importTo(directory.resolve("imported"), new DatasetInfo.Split(0.1, 0.1, 5, 42));
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("benchmark", "csv-import");
        figures.put("rows", rows);
        figures.put("items", itemCount);
        figures.put("users_kept", info.counts().users());
        figures.put("events_written", info.counts().events());
        figures.put("seconds", seconds);
        figures.put("rows_per_second", rows / seconds);
        return figures;
    }

    private static long peakHeap() {
        long peak = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    /** Peak resident set size of this process, or -1 where /proc is unavailable. */
    private static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return -1;
    }
}
