package dev.uqabench.pretrain;

import dev.uqabench.data.Event;
import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.encoder.TableRows;
import dev.uqabench.encoder.TableSizes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import dev.uqabench.tensor.Precision;
import dev.uqabench.train.TableMoments;
import org.bytedeco.pytorch.global.torch;

/**
 * Training speed and memory of each encoder at the {@code paper} preset: batch 8, 200 events per
 * user, every feature; full softmax over 50K items and sampled softmax (1024 negatives) over 1M.
 * Each measurement runs in its own JVM so that peak memory (VmHWM) is its own.
 *
 * <p>Usage: {@code java ... dev.uqabench.pretrain.PretrainBenchmark [output.md] [steps] [threads] [precision]}; one
 * measurement: {@code ... PretrainBenchmark --one ENCODER LOSS ITEMS STEPS THREADS [fp32|bf16|auto]
 * [full|row]} (the step's {@code pretrain.precision}, fp32 by default, and {@code pretrain.table_moments}, full by
 * default; the path that ran and the CPU go to stderr). On a machine
 * shared with other busy processes one libtorch thread is much faster than two: every parallel
 * region waits for its slowest thread, and a descheduled one stalls them all.
 */
public final class PretrainBenchmark {

    private static final int BATCH = 8;
    static final int LENGTH = 200;
    private static final int WARMUP_STEPS = 2;

    private PretrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--one")) {
            torch.set_num_threads(Integer.parseInt(args[5]));
            Precision precision = args.length > 6 ? precision(args[6]) : Precision.FP32;
            TableMoments moments = args.length > 7 ? TableMoments.valueOf(args[7].toUpperCase(java.util.Locale.ROOT))
                    : TableMoments.FULL;
            System.out.println(measure(args[1], LossType.valueOf(args[2]), Long.parseLong(args[3]), Integer.parseInt(args[4]),
                    precision, moments));
            return;
        }
        Path output = Path.of(args.length > 0 ? args[0] : "target/pretrain-benchmark.md");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Precision precision = args.length > 3 ? precision(args[3]) : Precision.FP32;
        List<String> lines = new ArrayList<>();
        lines.add("| encoder | loss | items | encoder parameters | events/s | s/step | CPU s/step | peak RSS MiB |");
        lines.add("|---|---|---|---|---|---|---|---|");
        for (EncoderKind<?> kind : EncoderRegistry.kinds()) {
            for (Object[] setting : new Object[][] {{LossType.FULL_SOFTMAX, 50_000L}, {LossType.SAMPLED_SOFTMAX, 1_000_000L}}) {
                String line = child(kind.name(), (LossType) setting[0], (Long) setting[1], steps, threads, precision);
                System.out.println(line);
                lines.add(line);
            }
        }
        lines.add("");
        lines.add("batch " + BATCH + ", " + LENGTH + " events per user, all features, paper presets, "
                + Runtime.getRuntime().availableProcessors() + " cores, " + threads + " libtorch thread(s), " + steps + " timed steps after " + WARMUP_STEPS
                + " warm-up steps; precision " + precision.name().toLowerCase(java.util.Locale.ROOT) + " (runs "
                + precision.resolve().name().toLowerCase(java.util.Locale.ROOT) + "); " + dev.uqabench.tensor.CpuFeatures.describe()
                + "; load average at the end: " + Files.readString(Path.of("/proc/loadavg")).trim());
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.write(output, lines, StandardCharsets.UTF_8);
        System.out.println("written to " + output);
    }

    private static Precision precision(String text) {
        return Precision.valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }

    private static String child(String encoder, LossType loss, long items, int steps, int threads, Precision precision)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), PretrainBenchmark.class.getName(),
                "--one", encoder, loss.name(), Long.toString(items), Integer.toString(steps), Integer.toString(threads),
                precision.name());
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String last = "";
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                last = line;
            }
        }
        int exit = process.waitFor();
        return exit == 0 ? last : "| " + encoder + " | " + loss + " | " + items + " | failed: " + last + " | | | | |";
    }

    static String measure(String encoder, LossType loss, long items, int steps, Precision precision) throws Exception {
        return measure(encoder, loss, items, steps, precision, TableMoments.FULL);
    }

    static String measure(String encoder, LossType loss, long items, int steps, Precision precision, TableMoments moments)
            throws Exception {
        TableSizes tableSizes = referenceSizes(items);
        PretrainConfig config = PretrainConfig.defaults(encoder, "paper").withMaxLength(LENGTH).withBatchSize(BATCH)
                .withLoss(loss, 1024).withWarmupSteps(0).withPrecision(precision).withTableMoments(moments);
        System.err.printf("%s %s %,d items: precision %s runs %s; table second moments %s; %s%n", encoder, loss, items,
                precision, precision.resolve(), moments.name().toLowerCase(java.util.Locale.ROOT),
                dev.uqabench.tensor.CpuFeatures.describe());
        List<UserSequence> users = users(BATCH * (WARMUP_STEPS + steps), tableSizes, new Random(1));
        Path folder = Files.createTempDirectory("bench");
        try {
            Pretrainer trainer = new Pretrainer(config, TableRows.identity(tableSizes), source(users),
                    source(users.subList(0, BATCH)), folder, dev.uqabench.train.TrainingListener.NONE,
                    dev.uqabench.dist.Group.single());
            return measure(encoder, loss, items, steps, config, users, trainer);
        } finally {
            dev.uqabench.base.AtomicFiles.deleteRecursively(folder);
        }
    }

    /** The item table of {@code items} rows and the reference's other vocabularies (config.py). */
    static TableSizes referenceSizes(long items) {
        Map<Table, Long> sizes = new EnumMap<>(Table.class);
        sizes.put(Table.ITEM, items);
        // the reference's other vocabularies (config.py)
        sizes.put(Table.CATEGORY, 9_330L);
        sizes.put(Table.BRAND, 149_750L);
        sizes.put(Table.SHOP, 268_446L);
        sizes.put(Table.SELLER, 268_446L);
        sizes.put(Table.TOKENS, 151_936L);
        return new TableSizes(sizes);
    }

    private static String measure(String encoder, LossType loss, long items, int steps, PretrainConfig config,
                                  List<UserSequence> users, Pretrainer trainer) throws Exception {
        dev.uqabench.train.TrainingRun run = dev.uqabench.train.TrainingRun.builder().setStage("pretrain benchmark")
                .setTotalSteps(WARMUP_STEPS + steps).build();
        long events = 0;
        long start = 0;
        long cpuStart = 0;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        // where the peak comes from: building the tables and optimizer, or the steps (stderr: the table stays parseable)
        System.err.printf("%s %s %,d items: peak RSS %d MiB after setup%n", encoder, loss, items, peakRssMiB());
        for (int step = 0; step < WARMUP_STEPS + steps; step++) {
            if (step == 1) {
                System.err.printf("%s %s %,d items: peak RSS %d MiB after the first step%n", encoder, loss, items,
                        peakRssMiB());
            }
            if (step == WARMUP_STEPS) {
                start = System.nanoTime();
                cpuStart = os.getProcessCpuTime();
            }
            Pretrainer.StepOutcome outcome = trainer.trainStep(users.subList(step * BATCH, (step + 1) * BATCH), step + 1, 1e-4,
                    run);
            if (step >= WARMUP_STEPS) {
                events += outcome.events();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // CPU time is less sensitive than wall time to other processes sharing the cores
        double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        long parameters = EncoderRegistry.kind(encoder).preset("paper").parameterCount(LENGTH);
        return String.format("| %s | %s | %,d | %,d | %.0f | %.2f | %.2f | %d |", encoder, loss, items, parameters,
                events / seconds, seconds / steps, cpuSeconds / steps, peakRssMiB());
    }

    static List<UserSequence> users(int count, TableSizes sizes, Random random) {
        List<UserSequence> users = new ArrayList<>();
        int[] tokenCounts = {16, 3, 4, 3, 4};
        for (int u = 0; u < count; u++) {
            List<Event> events = new ArrayList<>();
            for (int t = 0; t < LENGTH; t++) {
                long[][] tokens = new long[5][];
                for (int f = 0; f < 5; f++) {
                    tokens[f] = random.longs(tokenCounts[f], 0, sizes.size(Table.TOKENS)).toArray();
                }
                events.add(new Event(random.nextLong(sizes.size(Table.ITEM)), random.nextLong(sizes.size(Table.CATEGORY)),
                        random.nextLong(sizes.size(Table.BRAND)), random.nextLong(sizes.size(Table.SHOP)),
                        random.nextLong(sizes.size(Table.SELLER)), tokens));
            }
            users.add(new UserSequence("u" + u, events));
        }
        return users;
    }

    static SequenceSource source(List<UserSequence> users) {
        return new SequenceSource() {
            @Override
            public long rows() {
                return users.size();
            }

            @Override
            public Iterator<List<UserSequence>> batches(int batchSize) {
                List<List<UserSequence>> batches = new ArrayList<>();
                for (int i = 0; i < users.size(); i += batchSize) {
                    batches.add(users.subList(i, Math.min(users.size(), i + batchSize)));
                }
                return batches.iterator();
            }
        };
    }

    static long peakRssMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
