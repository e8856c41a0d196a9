package dev.uqabench.pretrain;

import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.encoder.TableRows;
import dev.uqabench.encoder.TableSizes;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.global.torch;

/**
 * Correctness check for bench/peer/encoders.py (not a benchmark): builds the trainer exactly as
 * {@link PretrainBenchmark#measure(String, LossType, long, int)} does and prints, as one JSON line, the loss of
 * each step and the parameter counts, for comparison with the PyTorch mirror's "losses".
 * It lives in the package only to reach the package-private {@code Pretrainer} constructor and {@code trainStep};
 * it is compiled against target/uqabench.jar by bench/peer/run_encoders.py --check and changes nothing in src/.
 *
 * <p>Usage: {@code java ... dev.uqabench.pretrain.PeerLosses ENCODER LOSS ITEMS STEPS THREADS}
 */
public final class PeerLosses {
    private PeerLosses() {
    }

    public static void main(String[] args) throws Exception {
        String encoder = args[0];
        LossType loss = LossType.valueOf(args[1]);
        long items = Long.parseLong(args[2]);
        int steps = Integer.parseInt(args[3]);
        torch.set_num_threads(Integer.parseInt(args[4]));
        int batch = 8;
        TableSizes tableSizes = PretrainBenchmark.referenceSizes(items);
        PretrainConfig config = PretrainConfig.defaults(encoder, "paper").withMaxLength(PretrainBenchmark.LENGTH)
                .withBatchSize(batch).withLoss(loss, 1024).withWarmupSteps(0);
        List<UserSequence> users = PretrainBenchmark.users(batch * steps, tableSizes, new Random(1));
        Pretrainer trainer = new Pretrainer(config, TableRows.identity(tableSizes), PretrainBenchmark.source(users),
                PretrainBenchmark.source(users.subList(0, batch)), Files.createTempDirectory("peer"),
                dev.uqabench.train.TrainingListener.NONE, dev.uqabench.dist.Group.single());
        dev.uqabench.train.TrainingRun run = dev.uqabench.train.TrainingRun.builder().setStage("peer losses")
                .setTotalSteps(steps).build();
        List<String> losses = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            Pretrainer.StepOutcome outcome = trainer.trainStep(users.subList(step * batch, (step + 1) * batch), step + 1,
                    1e-4, run);
            losses.add(String.format(java.util.Locale.ROOT, "%.6f", outcome.loss()));
        }
        long encoderParameters = EncoderRegistry.kind(encoder).preset("paper").parameterCount(PretrainBenchmark.LENGTH);
        System.out.println("{\"side\": \"ours\", \"encoder\": \"" + encoder + "\", \"loss\": \"" + loss + "\", \"items\": "
                + items + ", \"encoder_parameters\": " + encoderParameters + ", \"losses\": [" + String.join(", ", losses)
                + "]}");
    }
}
