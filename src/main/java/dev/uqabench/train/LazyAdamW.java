package dev.uqabench.train;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) written with in-place tensor ops, so that its state is plain
 * named tensors that go into the checkpoint next to the weights. Decoupled weight decay is applied
 * to the matrices {@code decayed} accepts (not to biases, norm scales, position vectors or
 * embedding tables).
 *
 * <p>Embedding tables trained through gathered rows (a step reads the rows it needs as a leaf
 * tensor) get "lazy" row updates ({@link #stepRows}): only the rows a step touched move, and only
 * their moments decay, as in TensorFlow's LazyAdam or PyTorch's SparseAdam.
 *
 * <p>Tables {@code rowWise} accepts keep one second moment per row ({@link TableMoments#ROW}): the running mean
 * of the row's squared gradient entries, shared by the row's weights, as fbgemm's partial row-wise Adam does. It
 * saves a third of a table's training memory (a 1M-item catalogue at the paper preset: 0.73 GB of 2.2 GB).
 *
 * <p>Why not libtorch's {@code AdamW}, which alignment and the tiny LLM use: (1) libtorch's C++
 * API has no lazy or sparse Adam; its AdamW needs a dense gradient of the whole table and decays the
 * moments of every row each step, which changes what pre-training learns (untouched item rows would
 * keep moving on their old momentum; {@code SampledSoftmaxTest} checks they stay put). (2) It is
 * slow for large tables: {@code LazyAdamWBenchmark}, a 100 000 x 64 table with 2 000 rows touched
 * per step, measured 3-12 ms per step lazily against 70-150 ms for libtorch's AdamW on the dense
 * gradient, and at 1 000 000 rows 4-6 ms against 4-6 s (plus a 244 MiB dense gradient), on one torch
 * thread of a shared 2-core machine. (3) Its arithmetic differs in rounding (it divides by
 * {@code sqrt(correction2)} where this multiplies by its inverse), so switching would change every
 * pre-trained encoder, and with it the benchmark's predictions, in the last bits.
 */
public final class LazyAdamW {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final Map<String, Tensor> parameters;
    private final Map<String, Tensor> firstMoments = new LinkedHashMap<>();
    private final Map<String, Tensor> secondMoments = new LinkedHashMap<>();
    private final double weightDecay;
    private long step;

    private final Predicate<String> decayed;
    private final Set<String> rowWiseNames = new HashSet<>();

    /** {@code decayed} says which parameters (by name) take weight decay, among those with 2+ dimensions. */
    public LazyAdamW(Map<String, Tensor> parameters, double weightDecay, Predicate<String> decayed) {
        this(parameters, weightDecay, decayed, name -> false);
    }

    /**
     * As above; the matrices {@code rowWise} accepts keep one second moment per row ({@code [rows, 1]}) instead of one
     * per weight.
     */
    public LazyAdamW(Map<String, Tensor> parameters, double weightDecay, Predicate<String> decayed,
                     Predicate<String> rowWise) {
        this.parameters = parameters;
        this.decayed = decayed;
        this.weightDecay = weightDecay;
        parameters.forEach((name, p) -> {
            firstMoments.put(name, torch.zeros_like(p));
            if (p.dim() == 2 && rowWise.test(name)) {
                rowWiseNames.add(name);
                secondMoments.put(name, torch.zeros(new long[] {p.size(0), 1},
                        new TensorOptions(p.scalar_type())));
            } else {
                secondMoments.put(name, torch.zeros_like(p));
            }
        });
    }

    /** Does parameter {@code name} keep one second moment per row? */
    public boolean rowWise(String name) {
        return rowWiseNames.contains(name);
    }

    /**
     * v = b2 v + (1 - b2) g^2, in place; a row-wise v ([rows, 1]) takes the mean of g^2 over each row. Returns v.
     */
    private static Tensor updateSecondMoment(Tensor v, Tensor g, boolean rowWise) {
        v.mul_(new Scalar(BETA2));
        if (rowWise) {
            return v.add_(g.square().mean(new long[] {1}, true, new ScalarTypeOptional()),
                    new Scalar(1 - BETA2));
        }
        return v.addcmul_(g, g, new Scalar(1 - BETA2));
    }

    /** One update with learning rate {@code lr} from the gradients now held by the parameters. */
    public void step(double lr) {
        step++;
        updateDense(lr);
    }

    /** Starts a step whose table updates come through {@link #stepRows}; updates dense gradients. */
    public void beginStep(double lr) {
        step(lr);
    }

    /**
     * Applies the gradient of gathered rows {@code ids} of table parameter {@code name}, within the
     * step begun by {@link #beginStep}.
     */
    public void stepRows(String name, long[] ids, Tensor rowGradient, double lr) {
        Tensor p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor index = Tensor.create(ids, ids.length);
            Tensor m = firstMoments.get(name).index_select(0, index)
                    .mul_(new Scalar(BETA1)).add_(rowGradient, new Scalar(1 - BETA1));      // [rows, width]
            Tensor v = updateSecondMoment(secondMoments.get(name).index_select(0, index), rowGradient, rowWise(name));
            Tensor rows = p.index_select(0, index);
            Tensor denominator = v.sqrt().mul_(new Scalar(1 / Math.sqrt(correction2))).add_(new Scalar(EPSILON));
            rows.addcdiv_(m, denominator, new Scalar(-lr / correction1));
            p.index_copy_(0, index, rows);
            firstMoments.get(name).index_copy_(0, index, m);
            secondMoments.get(name).index_copy_(0, index, v);
        }
    }

    private void updateDense(double lr) {
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        try (NoGradGuard guard = new NoGradGuard()) {
            parameters.forEach((name, p) -> {
                Tensor g = p.grad();
                if (!g.defined()) {
                    return;
                }
                Tensor m = firstMoments.get(name);
                Tensor v = secondMoments.get(name);
                m.mul_(new Scalar(BETA1)).add_(g, new Scalar(1 - BETA1));           // m = b1 m + (1-b1) g
                updateSecondMoment(v, g, rowWise(name));                             // v = b2 v + (1-b2) g^2
                if (weightDecay > 0 && p.dim() >= 2 && decayed.test(name)) {
                    p.mul_(new Scalar(1 - lr * weightDecay));                        // decoupled decay
                }
                Tensor denominator = v.sqrt().mul_(new Scalar(1 / Math.sqrt(correction2))).add_(new Scalar(EPSILON));
                p.addcdiv_(m, denominator, new Scalar(-lr / correction1));           // p -= lr m_hat / (sqrt(v_hat) + eps)
            });
        }
    }

    public void zeroGrad() {
        parameters.values().forEach(p -> {
            Tensor g = p.grad();
            if (g.defined()) {
                g.zero_();
            }
        });
    }

    public long stepCount() {
        return step;
    }

    public void setStepCount(long value) {
        step = value;
    }

    /** Optimizer state as named tensors ({@code m.NAME}, {@code v.NAME}; a row-wise {@code v} is {@code [rows, 1]}). */
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        firstMoments.forEach((name, t) -> state.put("m." + name, t));
        secondMoments.forEach((name, t) -> state.put("v." + name, t));
        return state;
    }
}
