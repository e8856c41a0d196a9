package dev.uqabench.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Opt-in benchmark behind {@link LazyAdamW}'s comment: one embedding table of {@code ROWS x 64},
 * 2 000 rows touched per step, updated (a) row-wise by {@link LazyAdamW#stepRows} from gathered rows,
 * (b) by libtorch's AdamW from the dense gradient autograd makes for the whole table.
 *
 * <pre>  java ... dev.uqabench.train.LazyAdamWBenchmark ROWS OUT   # prints and appends one line to OUT</pre>
 */
public final class LazyAdamWBenchmark {

    private static final int WIDTH = 64;
    private static final int TOUCHED = 2000;
    private static final int STEPS = 20;
    private static final int WARMUP = 5;

    private LazyAdamWBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rows = Integer.parseInt(args[0]);
        SplittableRandom random = new SplittableRandom(1);
        long[][] ids = new long[STEPS][];
        for (int s = 0; s < STEPS; s++) {
            ids[s] = random.longs(TOUCHED, 0, rows).sorted().distinct().toArray();
        }
        torch.manual_seed(1);
        Tensor lazyTable = torch.randn(rows, WIDTH);
        LazyAdamW lazy = new LazyAdamW(Map.of("table", lazyTable), 0.0, name -> false);
        double lazyMs = 0;
        for (int s = 0; s < STEPS; s++) {
            try (PointerScope scope = new PointerScope()) {
                long start = System.nanoTime();
                Tensor index = Tensor.create(ids[s], ids[s].length);
                Tensor gathered = lazyTable.index_select(0, index).detach().set_requires_grad(true);
                gathered.mul(torch.ones(ids[s].length, WIDTH)).sum().backward();
                lazy.beginStep(1e-3);
                lazy.stepRows("table", ids[s], new Tensor(gathered.grad()), 1e-3);
                if (s >= WARMUP) {
                    lazyMs += (System.nanoTime() - start) / 1e6;
                }
            }
        }
        Tensor denseTable = torch.randn(rows, WIDTH).set_requires_grad(true);
        TensorVector parameters = new TensorVector();
        parameters.push_back(denseTable);
        AdamWOptions options = new AdamWOptions(1e-3);
        options.weight_decay().put(0.0);
        AdamW dense = new AdamW(parameters, options);
        double denseMs = 0;
        for (int s = 0; s < STEPS; s++) {
            try (PointerScope scope = new PointerScope()) {
                long start = System.nanoTime();
                dense.zero_grad();
                denseTable.index_select(0, Tensor.create(ids[s], ids[s].length))
                        .mul(torch.ones(ids[s].length, WIDTH)).sum().backward();
                dense.step();
                if (s >= WARMUP) {
                    denseMs += (System.nanoTime() - start) / 1e6;
                }
            }
        }
        String line = String.format(Locale.ROOT, "table %d x %d, %d rows touched per step, %d torch threads, load %s: "
                        + "lazy rows %.2f ms/step, libtorch AdamW (dense gradient of %.0f MiB) %.2f ms/step",
                rows, WIDTH, TOUCHED, torch.get_num_threads(),
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0], lazyMs / (STEPS - WARMUP),
                rows * (double) WIDTH * Float.BYTES / (1 << 20), denseMs / (STEPS - WARMUP));
        System.out.println(line);
        Files.write(Path.of(args[1]), List.of(line), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
