package dev.uqabench.pretrain;

import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.dist.DistEnv;
import dev.uqabench.dist.Group;
import dev.uqabench.encoder.TableRows;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.train.TrainingListener;
import dev.uqabench.train.TrainingRun;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.pytorch.global.torch;

/**
 * Data-parallel pretraining speed and traffic at the {@code paper} preset, every feature, batch 8 users of 200
 * events (the same global batch for every world size): events/s of the whole job, the share of step time spent
 * in collectives (exchange plus waiting for the slower rank), and the bytes one rank puts into collectives per
 * step, against what a dense all-reduce of the embedding tables would move.
 *
 * <p>Usage: {@code java ... dev.uqabench.pretrain.DataParallelBenchmark ENCODER LOSS ITEMS STEPS RANKS...}
 * (e.g. {@code sasrec SAMPLED_SOFTMAX 1000000 5 1 2}); each world size runs in its own JVMs, one libtorch thread
 * per rank, over loopback Gloo. One child rank: {@code --rank ...} with the torchrun variables set.
 */
public final class DataParallelBenchmark {

    private static final int BATCH = 8;
    private static final int WARMUP_STEPS = 2;

    private DataParallelBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--rank")) {
            rank(args[1], LossType.valueOf(args[2]), Long.parseLong(args[3]), Integer.parseInt(args[4]));
            return;
        }
        List<String> out = new ArrayList<>();
        System.out.println("| encoder | loss | items | ranks | events/s | s/step | collective share | bytes/step/rank (all) "
                + "| bytes/step/rank (table rows) | dense table all-reduce bytes | ratio | peak RSS MiB (rank 0) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 4; i < args.length; i++) {
            int world = Integer.parseInt(args[i]);
            String line = launch(args[0], args[1], args[2], args[3], world);
            System.out.println(line);
            out.add(line);
        }
        System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static String launch(String encoder, String loss, String items, String steps, int world) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<Process> ranks = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx2g",
                    "-cp", System.getProperty("java.class.path"), DataParallelBenchmark.class.getName(),
                    "--rank", encoder, loss, items, steps);
            builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            builder.environment().put("OMP_NUM_THREADS", "1");
            builder.environment().put("OPENBLAS_NUM_THREADS", "1");
            builder.environment().put(DistEnv.RANK, Integer.toString(r));
            builder.environment().put(DistEnv.WORLD_SIZE, Integer.toString(world));
            builder.environment().put(DistEnv.MASTER_ADDR, "127.0.0.1");
            builder.environment().put(DistEnv.MASTER_PORT, Integer.toString(port));
            builder.environment().put(DistEnv.TIMEOUT, "600");
            builder.redirectErrorStream(true);
            ranks.add(builder.start());
        }
        String last = "";
        for (int r = 0; r < world; r++) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(ranks.get(r).getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (r == 0 && line.startsWith("|")) {
                        last = line;
                    }
                }
            }
            if (ranks.get(r).waitFor() != 0) {
                return "| " + encoder + " | " + world + " | rank " + r + " failed |";
            }
        }
        return last;
    }

    private static void rank(String encoder, LossType loss, long items, int steps) throws Exception {
        torch.set_num_threads(1);
        TableSizes tableSizes = PretrainBenchmark.referenceSizes(items);
        PretrainConfig config = PretrainConfig.defaults(encoder, "paper").withMaxLength(PretrainBenchmark.LENGTH)
                .withBatchSize(BATCH).withLoss(loss, 1024).withWarmupSteps(0);
        List<UserSequence> users = PretrainBenchmark.users(BATCH * (WARMUP_STEPS + steps), tableSizes, new Random(1));
        Path folder = Files.createTempDirectory("bench");
        try (Group group = Group.connect(DistEnv.fromEnvironment())) {
            Pretrainer trainer = new Pretrainer(config, TableRows.identity(tableSizes), PretrainBenchmark.source(users),
                    PretrainBenchmark.source(users.subList(0, BATCH)), folder,
                    TrainingListener.NONE, group);
            TrainingRun run = TrainingRun.builder().setStage("data-parallel benchmark").setTotalSteps(WARMUP_STEPS + steps).build();
            long events = 0;
            long start = 0;
            long bytesStart = 0;
            long tableBytesStart = 0;
            double collectiveStart = 0;
            for (int step = 0; step < WARMUP_STEPS + steps; step++) {
                if (step == WARMUP_STEPS) {
                    group.barrier();
                    start = System.nanoTime();
                    bytesStart = group.bytesSent();
                    tableBytesStart = trainer.tableExchangeBytes();
                    collectiveStart = group.collectiveSeconds();
                }
                Pretrainer.StepOutcome outcome = trainer.trainStep(users.subList(step * BATCH, (step + 1) * BATCH), step + 1,
                        1e-4, run);
                if (step >= WARMUP_STEPS) {
                    events += outcome.events();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double bytesPerStep = (group.bytesSent() - bytesStart) / (double) steps;
            double tableBytesPerStep = (trainer.tableExchangeBytes() - tableBytesStart) / (double) steps;
            double collectiveShare = (group.collectiveSeconds() - collectiveStart) / seconds;
            long denseTableBytes = 0;
            for (Table table : config.featureSet().tables()) {
                if (loss == LossType.SAMPLED_SOFTMAX || table != Table.ITEM) {
                    denseTableBytes += tableSizes.size(table) * trainer.tableWidth(table) * 4L;
                }
            }
            if (group.isMain()) {
                System.out.println(String.format(Locale.ROOT,
                        "| %s | %s | %,d | %d | %.0f | %.2f | %.1f %% | %,.0f | %,.0f | %,d | %.1fx | %d |", encoder, loss,
                        items, group.size(), events / seconds, seconds / steps, 100 * collectiveShare, bytesPerStep,
                        tableBytesPerStep, denseTableBytes, group.distributed() ? denseTableBytes / tableBytesPerStep : Double.NaN,
                        PretrainBenchmark.peakRssMiB()));
            }
        } finally {
            dev.uqabench.base.AtomicFiles.deleteRecursively(folder);
        }
    }
}
