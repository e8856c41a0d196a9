package dev.uqabench.align;

import dev.uqabench.base.StopRequest;
import dev.uqabench.data.UserSequence;
import dev.uqabench.dist.Group;
import dev.uqabench.dist.World;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.LanguageModelLoss;
import dev.uqabench.llm.PaddedPrompts;
import dev.uqabench.tensor.Autocast;
import dev.uqabench.tensor.GlobalGenerator;
import dev.uqabench.tensor.Precision;
import dev.uqabench.tensor.Tensors;
import dev.uqabench.train.TrainingListener;
import dev.uqabench.train.TrainingRun;
import dev.uqabench.train.WarmupSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Aligns a user encoder to a frozen LLM: soft tokens from the adapter are placed before the chat
 * prompt, and the language-model loss is taken on the answer tokens only (as the reference's
 * {@code preprocess} masks everything but the assistant turn). With validation questions, the mean
 * answer loss on them is measured after every epoch and the best epoch's weights are kept, so the
 * number of epochs is chosen on validation users, never on test users.
 */
public final class AlignTrainer {

    /** The key of an epoch event's mean answer-token loss on the validation questions. */
    public static final String VALIDATION_LOSS = "validation_loss";

    /** One alignment question: the user's sequence it is about, the rendered prompt and the answer tokens. */
    public record Example(UserSequence sequence, long[] prompt, long[] answer) {
    }

    /** The key of a step event's running average of the step losses (decay 0.95). */
    public static final String LOSS_AVERAGE = "loss_average";

    /**
     * What training chose.
     *
     * @param validationLosses mean answer-token loss on the validation questions after each epoch (empty without them)
     * @param bestEpoch        the epoch (1-based) whose weights were kept: the lowest validation loss, else the last
     * @param lossAverage      running average of the step losses at the last step (decay 0.95)
     * @param resumedFromStep  the step of the checkpoint this run went on from (0: it started afresh)
     * @param checkpoints      the resumable checkpoints this run wrote, their time and size
     */
    public record Result(List<Double> validationLosses, int bestEpoch, double lossAverage, int resumedFromStep,
                         Checkpoints checkpoints) {
        public Result {
            validationLosses = List.copyOf(validationLosses);
            if (bestEpoch < 1) {
                throw new IllegalArgumentException("bestEpoch must be >= 1, got " + bestEpoch);
            }
        }
    }

    /**
     * The resumable checkpoints one run wrote.
     *
     * @param written      how many
     * @param seconds      the time writing them took
     * @param bytes        the size of the last one (0: none written)
     * @param trainSeconds the run's training time, checkpoints included (the share they cost is measured against it)
     */
    public record Checkpoints(int written, double seconds, long bytes, double trainSeconds) {
    }

    private AlignTrainer() {
    }

    /** Trains without resumable checkpoints. */
    public static Result train(Adapter adapter, StateEncoder encoder, Decoder llm, List<Example> examples,
                               List<Example> validation, AlignConfig cfg, long padId, long seed,
                               TrainingListener listener) {
        return train(adapter, encoder, llm, examples, validation, cfg, padId, seed, listener, null);
    }

    /**
     * Trains, keeping a resumable checkpoint in {@code checkpointFolder} ({@link AlignCheckpoint}) every
     * {@code cfg.checkpointEvery()} steps, at every epoch end, and before a requested stop ({@link StopRequest})
     * ends the run at its next safe point. When that folder holds the checkpoint of an interrupted run of the same
     * alignment, training goes on from it and ends with the same weights, bit for bit, as an uninterrupted run: the
     * data order of an epoch replays the shuffles of the epochs before it, and every step reseeds libtorch's global
     * generator (the encoder's dropout, when it trains) from the seed and the step.
     *
     * @param validation       questions the best epoch is chosen on (no gradient); empty: keep the last epoch
     * @param checkpointFolder where the resumable checkpoint is kept; null: none is written or read
     */
    public static Result train(Adapter adapter, StateEncoder encoder, Decoder llm, List<Example> examples,
                               List<Example> validation, AlignConfig cfg, long padId, long seed,
                               TrainingListener listener, Path checkpointFolder) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no alignment examples");
        }
        // data-parallel: every rank holds every example and the same order; each trains on its slice of a batch
        Group group = World.group();
        boolean tuneEncoder = cfg.mode() == AlignConfig.Mode.ADAPTER_AND_ENCODER;
        // a frozen encoder's states are the same every epoch: each distinct sequence is encoded once
        try (FrozenStates frozen = tuneEncoder || !adapter.readsStates() ? null : new FrozenStates(encoder,
                sequences(examples, validation), cfg.batchSize(), FrozenStates.DEFAULT_BUDGET_BYTES)) {
            return train(adapter, frozen == null ? encoder : frozen, tuneEncoder, llm, examples, validation, cfg, padId,
                    seed, listener, checkpointFolder, group);
        }
    }

    private static List<UserSequence> sequences(List<Example> examples, List<Example> validation) {
        List<UserSequence> all = new ArrayList<>(examples.size() + validation.size());
        examples.forEach(e -> all.add(e.sequence()));
        validation.forEach(e -> all.add(e.sequence()));
        return all;
    }

    private static Result train(Adapter adapter, StateEncoder encoder, boolean tuneEncoder, Decoder llm,
                                List<Example> examples, List<Example> validation, AlignConfig cfg, long padId, long seed,
                                TrainingListener listener, Path checkpointFolder, Group group) {
        TensorVector adapterParams = adapter.module().parameters();
        AdamW optimizer = new AdamW(adapterParams, options(cfg, cfg.learningRate()));
        TensorVector all = new TensorVector();
        for (long i = 0; i < adapterParams.size(); i++) {
            all.push_back(adapterParams.get(i));
        }
        if (tuneEncoder) {
            TensorVector encoderParams = encoder.module().parameters();
            optimizer.add_param_group(new OptimizerParamGroup(encoderParams, options(cfg, cfg.encoderLearningRate())));
            for (long i = 0; i < encoderParams.size(); i++) {
                all.push_back(encoderParams.get(i));
            }
        }
        int stepsPerEpoch = (examples.size() + cfg.batchSize() - 1) / cfg.batchSize();
        int total = stepsPerEpoch * cfg.epochs();
        int warmup = (int) Math.round(total * cfg.warmupFraction());
        // linear warm-up, then cosine decay to 0 from the peak (or the peak throughout); both groups follow it
        WarmupSchedule schedule = WarmupSchedule.builder().setSteps(warmup, total).optShape(cfg.schedule()).optFloor(0)
                .optFirstDecayStepAtPeak(true).optRounding(WarmupSchedule.Rounding.FRACTION_OF_PEAK_ANGLE_FIRST).build();
        TrainingRun run = TrainingRun.builder().setStage("align").setTotalSteps(total).optUnit("tokens")
                .optDivergenceHint("lower the alignment's learning rate").optListener(listener).build();

        AlignTrainerState start = new AlignTrainerState(cfg, seed, examples.size(), validation.size(), 1, 0, 0, 0, 0,
                Double.NaN, List.of(), cfg.epochs(), 0);
        List<Tensor> best = null;
        if (checkpointFolder != null) {
            // the copy the best epoch is restored into is made before any step, outside the steps' pointer scopes
            List<Tensor> slots = validation.isEmpty() ? null : snapshot(all, null);
            Optional<AlignTrainerState> resumed = AlignCheckpoint.restore(checkpointFolder, start, adapter,
                    tuneEncoder ? encoder : null, optimizer, slots);
            if (resumed.isPresent()) {
                start = resumed.get();
                best = start.validationLosses().isEmpty() ? null : slots;
            }
        }
        Checkpointing checkpoints = new Checkpointing(checkpointFolder, adapter, tuneEncoder ? encoder : null,
                optimizer, run, start.trainSeconds());
        Random rng = new Random(seed);
        List<Example> order = new ArrayList<>(examples);
        // each epoch shuffles the order the last one left: a resumed run replays the shuffles of the epochs done
        for (int done = 1; done < Math.min(start.epoch(), cfg.epochs() + 1); done++) {
            Collections.shuffle(order, rng);
        }
        adapter.module().train(true);
        encoder.module().train(tuneEncoder);
        int step = start.step();
        double lr = 0;
        double lossAverage = start.lossAverage();
        List<Double> validationLosses = new ArrayList<>(start.validationLosses());
        int bestEpoch = start.bestEpoch();
        for (int epoch = start.epoch() - 1; epoch < cfg.epochs(); epoch++) {
            Collections.shuffle(order, rng);
            boolean resumingThisEpoch = epoch == start.epoch() - 1;
            int skip = resumingThisEpoch ? start.stepInEpoch() : 0;
            double lossSum = resumingThisEpoch ? start.lossSum() : 0;
            int lossCount = resumingThisEpoch ? start.lossCount() : 0;
            int stepInEpoch = 0;
            for (int from = 0; from < order.size(); from += cfg.batchSize()) {
                stepInEpoch++;
                if (stepInEpoch <= skip) {
                    continue;   // done before the interruption
                }
                List<Example> batch = order.subList(from, Math.min(order.size(), from + cfg.batchSize()));
                step++;
                lr = schedule.learningRate(cfg.learningRate(), step);
                optimizer.param_groups().get(0).options().set_lr(lr);
                if (tuneEncoder) {
                    optimizer.param_groups().get(1).options().set_lr(schedule.learningRate(cfg.encoderLearningRate(), step));
                }
                double value;
                if (group.distributed()) {
                    value = stepOnSlice(group, adapter, encoder, llm, batch, tuneEncoder, padId, seed, step, lr, all,
                            optimizer, cfg, run);
                } else try (PointerScope scope = new PointerScope()) {
                    Tensor loss = stepLoss(adapter, encoder, llm, batch, tuneEncoder, padId, seed, step, cfg.precision());
                    value = loss.item_double();
                    run.checkLoss(value, step, lr);
                    optimizer.zero_grad();
                    loss.backward();
                    run.clip(all, cfg.clipNorm(), step, lr);
                    optimizer.step();
                }
                lossSum += value;
                lossCount++;
                lossAverage = Double.isNaN(lossAverage) ? value : 0.95 * lossAverage + 0.05 * value;
                // in a group the ranks agreed on a stop in the step's collective (stepOnSlice)
                boolean stop = group.distributed() ? run.stopAgreed() : StopRequest.isRequested();
                if (cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0 || stop) {
                    // before the step's safe point, so that a requested stop loses no step
                    checkpoints.save(new AlignTrainerState(cfg, seed, examples.size(), validation.size(), epoch + 1,
                            stepInEpoch, step, lossSum, lossCount, lossAverage, validationLosses, bestEpoch, 0), best);
                }
                run.stepDone(step, epoch + 1, value, lr, inputTokens(batch), Map.of(LOSS_AVERAGE, lossAverage));
            }
            boolean kept = validation.isEmpty();   // without validation questions every epoch replaces the last
            Map<String, Double> metrics = Map.of();
            if (!validation.isEmpty()) {
                double validationLoss = validationLoss(adapter, encoder, llm, validation, cfg.batchSize(), padId, group);
                run.check("validation loss", validationLoss, step, lr);
                validationLosses.add(validationLoss);
                metrics = Map.of(VALIDATION_LOSS, validationLoss);
                if (best == null || validationLoss < validationLosses.get(bestEpoch - 1)) {
                    bestEpoch = epoch + 1;
                    best = snapshot(all, best);
                    kept = true;
                }
                adapter.module().train(true);
                encoder.module().train(tuneEncoder);
            }
            run.epochDone(epoch + 1, lossSum / lossCount, metrics, kept);
            checkpoints.save(new AlignTrainerState(cfg, seed, examples.size(), validation.size(), epoch + 2, 0, step, 0, 0,
                    lossAverage, validationLosses, bestEpoch, 0), best);
        }
        if (best != null) {
            restore(all, best);
        }
        adapter.module().train(false);
        encoder.module().train(false);
        return new Result(validationLosses, bestEpoch, lossAverage, start.step(),
                new Checkpoints(checkpoints.written, checkpoints.writeSeconds, checkpoints.bytes, run.elapsedSeconds()));
    }

    /** The checkpoints of one training run: where they go, what they hold, and what writing them cost. */
    private static final class Checkpointing {
        private final Path folder;
        private final Adapter adapter;
        private final StateEncoder tunedEncoder;
        private final AdamW optimizer;
        private final TrainingRun run;
        private final double secondsBefore;
        private int written;
        private double writeSeconds;
        private long bytes;

        Checkpointing(Path folder, Adapter adapter, StateEncoder tunedEncoder, AdamW optimizer, TrainingRun run,
                      double secondsBefore) {
            this.folder = folder;
            this.adapter = adapter;
            this.tunedEncoder = tunedEncoder;
            this.optimizer = optimizer;
            this.run = run;
            this.secondsBefore = secondsBefore;
        }

        /**
         * Writes the checkpoint of {@code now} (its training time filled in here); nothing without a folder, nor on
         * a rank other than 0 of a group (all ranks hold the same weights).
         */
        void save(AlignTrainerState now, List<Tensor> best) {
            if (folder == null) {
                return;
            }
            Group group = World.group();
            if (!group.isMain()) {
                group.awaitMainWork("align checkpoint of step " + now.step());   // it holds the same weights
                return;
            }
            long begin = System.nanoTime();
            AlignTrainerState timed = new AlignTrainerState(now.config(), now.seed(), now.examples(),
                    now.validationQuestions(), now.epoch(), now.stepInEpoch(), now.step(), now.lossSum(), now.lossCount(),
                    now.lossAverage(), now.validationLosses(), now.bestEpoch(), secondsBefore + run.elapsedSeconds());
            AlignCheckpoint.write(folder, timed, adapter, tunedEncoder, optimizer, best);
            group.mainWorkDone("align checkpoint of step " + now.step());
            writeSeconds += (System.nanoTime() - begin) / 1e9;
            written++;
            bytes = AlignCheckpoint.bytes(folder);
            run.checkpointWritten(folder);
        }
    }

    /** Tokens the LLM reads for a batch (its prompts and answers, the soft tokens aside). */
    private static long inputTokens(List<Example> batch) {
        long tokens = 0;
        for (Example e : batch) {
            tokens += e.prompt().length + e.answer().length - 1;
        }
        return tokens;
    }

    /** Mean answer-token loss over {@code questions}, without gradients, in evaluation mode. */
    public static double validationLoss(Adapter adapter, StateEncoder encoder, Decoder llm, List<Example> questions,
                                        int batchSize, long padId) {
        return validationLoss(adapter, encoder, llm, questions, batchSize, padId, Group.single());
    }

    /** {@link #validationLoss} with the batches dealt out round-robin over the ranks of {@code group}. */
    static double validationLoss(Adapter adapter, StateEncoder encoder, Decoder llm, List<Example> questions,
                                 int batchSize, long padId, Group group) {
        adapter.module().train(false);
        encoder.module().train(false);
        double sum = 0;
        long tokens = 0;
        int batchIndex = 0;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int start = 0; start < questions.size(); start += batchSize) {
                List<Example> batch = questions.subList(start, Math.min(questions.size(), start + batchSize));
                long batchTokens = batch.stream().mapToLong(e -> e.answer().length).sum();
                if (batchIndex++ % group.size() != group.rank()) {
                    tokens += batchTokens;
                    continue;
                }
                try (PointerScope scope = new PointerScope()) {
                    // the batch loss is a mean over its answer tokens: weight it back by their number
                    sum += loss(adapter, encoder, llm, batch, false, padId).item_double() * batchTokens;
                }
                tokens += batchTokens;
            }
        }
        if (group.distributed()) {
            group.during("align validation");
            sum = group.allReduceSum(new double[] {sum})[0];
        }
        return sum / tokens;
    }

    /**
     * One data-parallel step on this rank's slice of {@code batch}: the slice's answer-token loss weighted by its
     * share of the batch's answer tokens (so the sum over ranks is the batch mean), the trained parameters'
     * gradients and the loss summed over the ranks in one bucket, then the same clipping and AdamW step on every
     * rank. Returns the batch loss.
     */
    private static double stepOnSlice(Group group, Adapter adapter, StateEncoder encoder, Decoder llm,
                                      List<Example> batch, boolean tuneEncoder, long padId, long seed, int step,
                                      double lr, TensorVector all, AdamW optimizer, AlignConfig cfg, TrainingRun run) {
        group.during("align step " + step);
        int from = (int) ((long) batch.size() * group.rank() / group.size());
        int to = (int) ((long) batch.size() * (group.rank() + 1) / group.size());
        List<Example> slice = batch.subList(from, to);
        long batchTokens = batch.stream().mapToLong(e -> e.answer().length).sum();
        long sliceTokens = slice.stream().mapToLong(e -> e.answer().length).sum();
        try (PointerScope scope = new PointerScope()) {
            optimizer.zero_grad();
            Tensor share = torch.zeros(1);
            if (!slice.isEmpty()) {
                Tensor loss = stepLoss(adapter, encoder, llm, slice, tuneEncoder, padId, seed, step,
                        cfg.precision());
                Tensor weighted = loss.mul(new org.bytedeco.pytorch.Scalar((double) sliceTokens / batchTokens));
                weighted.backward();
                share = weighted.detach().reshape(1);
            }
            // gradients, a reached-flag per parameter (one process leaves an unreached one without a gradient, so
            // AdamW skips it), the loss and the stop agreement: one bucket
            List<Tensor> bucket = new ArrayList<>();
            float[] reached = new float[(int) all.size()];
            List<Tensor> held = new ArrayList<>();
            for (int i = 0; i < reached.length; i++) {
                Tensor p = all.get(i);
                reached[i] = p.grad().defined() ? 1 : 0;
                Tensor g = p.grad().defined() ? p.grad() : torch.zeros_like(p);
                held.add(g);
                bucket.add(g);
            }
            Tensor flags = Tensor.create(reached, reached.length);
            Tensor stop = torch.full(new long[] {1}, new org.bytedeco.pytorch.Scalar(StopRequest.isRequested() ? 1.0 : 0.0));
            bucket.add(flags);
            bucket.add(share);
            bucket.add(stop);
            group.allReduceSum(bucket);
            float[] anyRank = new float[reached.length];
            flags.data_ptr_float().get(anyRank);
            for (int i = 0; i < reached.length; i++) {
                if (anyRank[i] > 0 && reached[i] == 0) {
                    all.get(i).mutable_grad().put(held.get(i));
                }
            }
            boolean stopAgreed = stop.item_double() > 0;
            if (stopAgreed && !StopRequest.isRequested()) {
                StopRequest.requestFromRun("a stop on another rank", StopRequest.AGREED_STATUS);
            }
            run.agreeOnStop(stopAgreed);
            double value = share.item_double();
            run.checkLoss(value, step, lr);
            run.clip(all, cfg.clipNorm(), step, lr);
            optimizer.step();
            return value;
        }
    }

    /** Copies of the trained weights (reusing the previous copies' memory), kept outside any step's scope. */
    private static List<Tensor> snapshot(TensorVector params, List<Tensor> previous) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            if (previous != null) {
                for (int i = 0; i < previous.size(); i++) {
                    previous.get(i).copy_(params.get(i));
                }
                return previous;
            }
            List<Tensor> copies = new ArrayList<>((int) params.size());
            for (long i = 0; i < params.size(); i++) {
                copies.add(params.get(i).detach().clone());
            }
            return copies;
        }
    }

    private static void restore(TensorVector params, List<Tensor> saved) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < saved.size(); i++) {
                params.get(i).copy_(saved.get(i));
            }
        }
    }

    /** AdamW options of one parameter group: the config's betas and weight decay at {@code learningRate}. */
    private static AdamWOptions options(AlignConfig cfg, double learningRate) {
        AdamWOptions options = new AdamWOptions(learningRate);
        options.betas().put(0, cfg.beta1()).put(1, cfg.beta2());
        options.weight_decay().put(cfg.weightDecay());
        return options;
    }

    /**
     * The training loss of step {@code step} on {@code batch}. The training encoder's dropout draws from the global
     * generator: one seed per step, and the generator held through the forward pass (a stage beside this one never
     * draws from it); a frozen encoder draws nothing at random.
     */
    private static Tensor stepLoss(Adapter adapter, StateEncoder encoder, Decoder llm, List<Example> batch,
                                   boolean tuneEncoder, long padId, long seed, int step, Precision precision) {
        // the forward pass and the loss under the configured precision; backward() follows the graph's dtypes
        try (Autocast autocast = Autocast.open(precision)) {
            if (!tuneEncoder) {
                return loss(adapter, encoder, llm, batch, false, padId);
            }
            synchronized (GlobalGenerator.LOCK) {
                torch.manual_seed(seed * 1_000_003L + step);
                return loss(adapter, encoder, llm, batch, true, padId);
            }
        }
    }

    /** Mean answer-token loss of one batch. */
    static Tensor loss(Adapter adapter, StateEncoder encoder, Decoder llm, List<Example> batch, boolean tuneEncoder,
                       long padId) {
        List<UserSequence> sequences = new ArrayList<>(batch.size());
        List<long[]> inputs = new ArrayList<>(batch.size());
        for (Example e : batch) {
            sequences.add(e.sequence());
            long[] in = new long[e.prompt().length + e.answer().length - 1];
            System.arraycopy(e.prompt(), 0, in, 0, e.prompt().length);
            System.arraycopy(e.answer(), 0, in, e.prompt().length, e.answer().length - 1);
            inputs.add(in);
        }
        StateEncoder.Encoded encoded = StateEncoder.forAdapter(encoder, adapter, sequences, tuneEncoder);
        Tensor soft = adapter.softTokens(encoded.states(), encoded.lengths());     // [B, k, D]
        PaddedPrompts padded = PaddedPrompts.of(inputs, padId);
        PaddedPrompts.Inputs in = padded.inputs(llm, soft);
        // The LLM's states at the answer positions only (its last block computes nothing else): row b's positions
        // predicting answer[0..], padded to the longest answer with its last position (never read).
        int answers = batch.stream().mapToInt(e -> e.answer().length).max().orElseThrow();
        long[][] positions = new long[batch.size()][answers];
        List<Long> flatPositions = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        for (int b = 0; b < batch.size(); b++) {
            Example e = batch.get(b);
            long first = in.softTokens() + e.prompt().length - 1;                  // predicts answer[0]
            for (int j = 0; j < answers; j++) {
                positions[b][j] = first + Math.min(j, e.answer().length - 1);
            }
            for (int j = 0; j < e.answer().length; j++) {
                flatPositions.add((long) b * answers + j);
                targets.add(e.answer()[j]);
            }
        }
        Tensor hidden = llm.hiddenAt(in.embeds(), in.mask(), Tensors.fromLongs(positions));   // [B, answers, D]
        Tensor rows = hidden.reshape(-1, hidden.size(2))
                .index_select(0, Tensor.create(flatPositions.stream().mapToLong(Long::longValue).toArray()));
        Tensor logits = llm.logits(rows).unsqueeze(1);                             // [N, 1, V]
        float[] weights = new float[targets.size()];
        java.util.Arrays.fill(weights, 1f);
        return LanguageModelLoss.weighted(logits,
                Tensor.create(targets.stream().mapToLong(Long::longValue).toArray(), targets.size(), 1),
                Tensor.create(weights, targets.size(), 1));
    }
}
