package dev.uqabench.pretrain;

import dev.uqabench.encoder.TableSizes;
import dev.uqabench.encoder.ToyData;
import java.nio.file.Files;
import dev.uqabench.train.EpochEvent;
import dev.uqabench.train.StepEvent;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Path;

/** Manual timing at quickstart scale: {@code java ... dev.uqabench.pretrain.QuickstartTiming [encoder] [epochs]}. */
public final class QuickstartTiming {
    public static void main(String[] args) throws Exception {
        String encoder = args.length > 0 ? args[0] : "sasrec";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        var train = ToyData.strideUsers(2700, 2000, 20, 200, 1);
        var eval = ToyData.strideUsers(300, 2000, 20, 200, 2);
        PretrainConfig config = PretrainConfig.defaults(encoder, "quickstart").withEpochs(epochs).withMaxLength(200)
                .withBatchSize(32).withWarmupSteps(20).withLearningRate(2e-3);
        Path out = Files.createTempDirectory("qs");
        long start = System.nanoTime();
        PretrainResult result = Pretrainer.run(config, TableSizes.uniform(2000), ToyData.source(train),
                ToyData.source(eval), out, new TrainingListener() {
                    @Override
                    public void onStep(StepEvent event) {
                        if (event.step() % 20 == 0) {
                            System.out.printf("step %d/%d loss %.3f lr %.5f events/s %.0f eta %.0fs%n", event.step(),
                                    event.totalSteps(), event.loss(), event.learningRate(), event.unitsPerSecond(),
                                    event.etaSeconds());
                        }
                    }

                    @Override
                    public void onEpoch(EpochEvent event) {
                        System.out.println("epoch " + event.epoch() + " loss " + event.meanLoss() + " " + event.metrics());
                    }
                });
        System.out.printf("%s: %.1f s, %d params%n", encoder, (System.nanoTime() - start) / 1e9, result.parameters());
    }
}
