package dev.uqabench.llm;

import dev.uqabench.tensor.Autocast;
import dev.uqabench.tensor.NativeThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * {@link TinyLlmTrainer}'s step with {@link TinyLlmConfig#workers()} threads sharing each batch. The batch is cut into
 * slices of consecutive conversations, one per worker; worker {@code s} runs its slice's forward pass (padded to the
 * slice's own longest conversation), its share {@code sum(w * -log p) / W} of the batch's weighted mean ({@code W} the
 * whole batch's weight), and {@code torch::autograd::grad} of that share into its own buffers {@code gradients[s]};
 * nothing a worker writes is read by another. The parameters' gradients are then the buffers summed in worker order
 * on the calling thread, so the result does not depend on which worker finishes first.
 *
 * <p>The forward passes read the parameters concurrently and write nothing to them ({@link Decoder} keeps no
 * state); each worker's graph is its own. Each worker runs libtorch with one intra-op thread.
 */
final class SharedBatches implements AutoCloseable {
    private final Decoder model;
    private final TensorVector parameters;
    private final TinyLlmConfig cfg;
    private final long padId;
    private final ExecutorService pool;
    /** {@code [worker][parameter]}: a worker's gradient of its share, written by that worker only. */
    private final Tensor[][] gradients;

    SharedBatches(Decoder model, TensorVector parameters, TinyLlmConfig cfg, long padId) {
        this.model = model;
        this.parameters = parameters;
        this.cfg = cfg;
        this.padId = padId;
        int workers = cfg.workers();
        gradients = new Tensor[workers][(int) parameters.size()];
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Tensor[] buffers : gradients) {
                for (int i = 0; i < buffers.length; i++) {
                    buffers[i] = torch.zeros_like(parameters.get(i)).retainReference();
                }
            }
        }
        AtomicInteger count = new AtomicInteger();
        pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "tiny-llm-worker-" + count.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** Slices {@code batch} between the workers and runs them; the gradients wait in the buffers. */
    TinyLlmTrainer.StepLoss slices(List<TinyLlmTrainer.Example> batch) {
        int workers = Math.min(gradients.length, batch.size());
        List<TinyLlmTrainer.Batch> parts = new ArrayList<>(workers);
        double weightTotal = 0;
        long tokens = 0;
        for (int s = 0; s < workers; s++) {
            int from = batch.size() * s / workers;
            int to = batch.size() * (s + 1) / workers;
            TinyLlmTrainer.Batch part = TinyLlmTrainer.Batch.of(batch.subList(from, to), cfg.maxTokens(),
                    cfg.answerWeight(), padId);
            parts.add(part);
            weightTotal += part.weightTotal();
            tokens += part.tokens();
        }
        List<Future<double[]>> running = new ArrayList<>(workers);
        for (int s = 0; s < workers; s++) {
            int worker = s;
            double total = weightTotal;
            running.add(pool.submit(() -> share(worker, parts.get(worker), total)));
        }
        List<double[]> results = awaitAll(running);
        double loss = 0;
        double answerSum = 0;
        double answerCount = 0;
        for (double[] r : results) {
            loss += r[0];
            answerSum += r[1];
            answerCount += r[2];
        }
        int used = workers;
        return new TinyLlmTrainer.StepLoss(loss, answerSum / Math.max(answerCount, 1e-9), tokens,
                () -> writeGradients(used));
    }

    /** Worker {@code s}: forward and gradient of its share; returns {share, -sum log p over answers, answer tokens}. */
    private double[] share(int s, TinyLlmTrainer.Batch b, double weightTotal) {
        NativeThreads.setIntraOpThreads(1);
        try (PointerScope scope = new PointerScope()) {
            Tensor picked;
            Tensor share;
            try (Autocast autocast = Autocast.open(cfg.precision())) {
                Tensor logits = model.forward(model.embed(b.inputs().ids()), b.inputs().mask());
                picked = LanguageModelLoss.targetLogProbs(logits, b.targets());
                Tensor w = b.weights().reshape(-1).to(picked.scalar_type());
                share = picked.mul(w).sum().neg().div(new Scalar(weightTotal));
            }
            TensorVector outputs = new TensorVector();
            outputs.push_back(share);
            TensorVector grads = torch.grad(outputs, parameters, new TensorVector(), new BoolOptional(), false, true);
            try (NoGradGuard noGrad = new NoGradGuard()) {
                for (int i = 0; i < gradients[s].length; i++) {
                    Tensor g = grads.get(i);
                    if (g.defined()) {
                        gradients[s][i].copy_(g);
                    } else {
                        gradients[s][i].zero_();
                    }
                }
                Tensor answers = b.answerMask().reshape(-1);
                return new double[]{share.item_double(), picked.detach().mul(answers).sum().neg().item_double(),
                        answers.sum().item_double()};
            }
        }
    }

    /** The parameters' gradients: the first {@code workers} buffers summed in worker order (fresh tensors). */
    private void writeGradients(int workers) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < gradients[0].length; i++) {
                Tensor sum = gradients[0][i].clone();
                for (int s = 1; s < workers; s++) {
                    sum.add_(gradients[s][i]);
                }
                parameters.get(i).mutable_grad().put(sum);
            }
        }
    }

    /**
     * Every worker's result in worker order. All of them finish before a failure is thrown, so no worker still writes
     * its buffers when the caller unwinds (and closes them).
     */
    private static List<double[]> awaitAll(List<Future<double[]>> running) {
        List<double[]> results = new ArrayList<>(running.size());
        Throwable failure = null;
        boolean interrupted = false;
        for (Future<double[]> f : running) {
            while (true) {
                try {
                    results.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;                    // a step is short: finish it, then pass the interrupt on
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException(failure);
        return results;
    }

    @Override
    public void close() {
        pool.shutdown();
        for (Tensor[] buffers : gradients) {
            for (Tensor t : buffers) {
                t.releaseReference();
            }
        }
    }
}
