package dev.uqabench.pretrain;

import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.UserSequence;
import dev.uqabench.dist.Group;
import dev.uqabench.dist.World;
import dev.uqabench.data.Table;
import dev.uqabench.encoder.EventBatch;
import dev.uqabench.encoder.GatheredRows;
import dev.uqabench.nn.Params;
import dev.uqabench.encoder.TableRows;
import dev.uqabench.tensor.Autocast;
import dev.uqabench.tensor.Tensors;
import dev.uqabench.tensor.GlobalGenerator;
import dev.uqabench.tensor.Precision;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.encoder.UserModel;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.StopRequest;
import dev.uqabench.base.UqaException;
import dev.uqabench.train.LazyAdamW;
import dev.uqabench.train.TableMoments;
import dev.uqabench.train.TrainingListener;
import dev.uqabench.train.TrainingRun;
import dev.uqabench.train.WarmupSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Next-item pre-training of a user encoder, the protocol of the UQABench reference: every position
 * predicts the item of the following event, scored against the item table; AdamW with linear
 * warm-up then cosine decay, global gradient-norm clipping, dropout; after each epoch Recall@K and
 * NDCG@K at the last position of held-out users, keeping the best epoch's weights.
 *
 * <p>Output directory: {@code best/} (kept model), {@code last/} (resumable: weights, optimizer
 * state, {@code trainer.json}). Both are written whole through {@link AtomicFiles#writeFolder}.
 * Data order, dropout and initial weights derive from the config's seed, so a resumed run ends
 * with the same weights as an uninterrupted one (on CPU).
 */
public final class Pretrainer {

    static final String BEST_DIR = "best";
    static final String LAST_DIR = "last";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String TRAINER_FILE = "trainer.json";
    /** Users are shuffled within windows of this many batches, so a file is never held whole. */
    static final int SHUFFLE_WINDOW = 64;
    private static final String SELECTION_METRIC = "ndcg@10";
    private static final String TABLE_PREFIX = "embedding.bags.";
    private static final String ITEM_COUNTS = "item_counts";

    private final PretrainConfig config;
    private final SequenceSource train;
    private final SequenceSource eval;
    private final Path outDir;
    private final TrainingListener listener;
    private final UserModel model;
    private final Map<String, Tensor> parameters;
    private final LazyAdamW optimizer;
    /** The sampled softmax and its running target counts (null under full softmax). */
    private final SampledSoftmax sampledSoftmax;
    private final long stepsPerEpoch;
    private final long totalSteps;
    private final WarmupSchedule schedule;
    /** The data-parallel group: each rank trains on its slice of every batch (one process: the whole batch). */
    private final Group group;
    /** {@link PretrainConfig#precision()} resolved for this CPU. */
    private final Precision precision;
    private long tableExchangeBytes;
    /** Whether the ranks agreed, in this step's first collective, to stop after it. */
    private boolean stopAgreed;

    Pretrainer(PretrainConfig config, TableRows tableRows, SequenceSource train, SequenceSource eval,
                       Path outDir, TrainingListener listener, Group group) {
        this.group = group;
        this.config = config;
        this.train = train;
        this.eval = eval;
        this.outDir = outDir;
        this.listener = listener;
        if (config.loss() == LossType.AUTO) {
            throw new IllegalArgumentException("pretrain: resolve loss 'auto' first (PretrainPlan)");
        }
        this.model = EncoderCheckpoint.newModel(config, tableRows);
        this.parameters = EncoderCheckpoint.namedParameters(model);
        this.precision = config.precision().resolve();
        this.optimizer = new LazyAdamW(parameters, config.weightDecay(), name -> !name.startsWith(TABLE_PREFIX),
                name -> config.tableMoments() == TableMoments.ROW && name.startsWith(TABLE_PREFIX));
        long items = tableRows.rows().size(Table.ITEM);
        this.sampledSoftmax = config.loss() == LossType.SAMPLED_SOFTMAX
                ? new SampledSoftmax(items, config.negatives(), config.seed()) : null;
        long rows = train.rows();
        if (rows == 0) {
            throw new UqaException("pretrain: the training set has no users");
        }
        long window = (long) SHUFFLE_WINDOW * config.batchSize();
        this.stepsPerEpoch = rows / window * SHUFFLE_WINDOW + ceilDiv(rows % window, config.batchSize());
        this.totalSteps = stepsPerEpoch * config.epochs();
        // linear warm-up to the peak, then cosine decay to 10 % of it at the last step (or the peak throughout)
        this.schedule = WarmupSchedule.builder().setSteps(config.warmupSteps(), totalSteps).optShape(config.schedule())
                .optFloor(0.1).optRounding(WarmupSchedule.Rounding.PEAK_TIMES_STEP).build();
        // identical initial weights on every rank: rank 0's, as DDP broadcasts them
        group.during("pretrain start-up");
        group.broadcast(new ArrayList<>(parameters.values()));
    }

    /** Trains from scratch (or resumes when {@code resume} and {@code outDir/last} exist). */
    public static PretrainResult run(PretrainConfig config, TableSizes sizes, SequenceSource train,
                                     SequenceSource eval, Path outDir, TrainingListener listener, boolean resume) {
        return run(config, TableRows.identity(sizes), train, eval, outDir, listener, resume);
    }

    /** Trains tables of {@code rows.rows()} rows, batches mapping ids to rows with {@code rows}. */
    public static PretrainResult run(PretrainConfig config, TableRows rows, SequenceSource train,
                                     SequenceSource eval, Path outDir, TrainingListener listener, boolean resume) {
        return run(config, rows, train, eval, outDir, listener, resume, World.group());
    }

    /**
     * Trains as one rank of {@code group}: every rank passes the same data and config; rank 0 alone reads
     * {@code outDir} to resume and writes it.
     */
    public static PretrainResult run(PretrainConfig config, TableRows rows, SequenceSource train, SequenceSource eval,
                                     Path outDir, TrainingListener listener, boolean resume, Group group) {
        Pretrainer trainer = new Pretrainer(config, rows, train, eval, outDir, listener, group);
        try {
            if (group.isMain()) {
                Files.createDirectories(outDir);   // the other ranks of a group write nothing
            }
            return trainer.train(resume ? trainer.restore() : null);
        } catch (IOException e) {
            throw new UqaException("pretrain: cannot write to " + outDir + ": " + e.getMessage(), e);
        }
    }

    /** Trains from scratch. */
    public static PretrainResult run(PretrainConfig config, TableSizes sizes, SequenceSource train,
                                     SequenceSource eval, Path outDir, TrainingListener listener) {
        return run(config, sizes, train, eval, outDir, listener, false);
    }

    private PretrainResult train(TrainerState resumed) throws IOException {
        // best score starts below any metric (they are >= 0) and stays finite for trainer.json
        TrainerState state = resumed != null ? resumed : new TrainerState(config, 1, 0, 0, 0, 0, 0,
                -1, new ArrayList<>(), new ArrayList<>(), 0, 0);
        List<Map<String, Double>> epochMetrics = new ArrayList<>(state.epochMetrics());
        List<Double> epochLosses = new ArrayList<>(state.epochLosses());
        long step = state.step();
        int bestEpoch = state.bestEpoch();
        double bestScore = state.bestScore();
        double secondsBefore = state.trainSeconds();
        TrainingRun run = TrainingRun.builder().setStage("pretrain").setTotalSteps(totalSteps).optUnit("events")
                .optDivergenceHint("lower learningRate or set clipNorm. The last good checkpoint is "
                        + outDir.resolve(LAST_DIR) + " (resume from it with a smaller learning rate)")
                .optListener(listener).build();
        for (int epoch = state.epoch(); epoch <= config.epochs(); epoch++) {
            boolean resumingThisEpoch = resumed != null && epoch == resumed.epoch();
            long skip = resumingThisEpoch ? resumed.stepInEpoch() : 0;
            double lossSum = resumingThisEpoch ? resumed.lossSum() : 0;
            long lossCount = resumingThisEpoch ? resumed.lossCount() : 0;
            long stepInEpoch = 0;
            model.train(true);
            for (Iterator<List<UserSequence>> batches = shuffledBatches(epoch); batches.hasNext(); ) {
                List<UserSequence> users = batches.next();
                stepInEpoch++;
                if (stepInEpoch <= skip) {
                    continue;
                }
                step++;
                double lr = schedule.learningRate(config.learningRate(), step);
                StepOutcome outcome = trainStep(users, step, lr, run);
                if (outcome != null) {
                    lossSum += outcome.loss;
                    lossCount++;
                }
                // the checkpoint also before a requested stop's safe point (in stepDone), so a stopped run loses no step;
                // in a group the ranks agreed on the stop in the step's first collective
                boolean stop = group.distributed() ? stopAgreed : dev.uqabench.base.StopRequest.isRequested();
                if (group.distributed()) {
                    run.agreeOnStop(stop);
                }
                if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 || stop) {
                    saveLast(new TrainerState(config, epoch, stepInEpoch, step, lossSum, lossCount, bestEpoch,
                            bestScore, epochMetrics, epochLosses, secondsBefore + run.elapsedSeconds(),
                            optimizer.stepCount()), run);
                }
                run.stepDone(step, epoch, outcome == null ? Double.NaN : outcome.loss, lr,
                        outcome == null ? 0 : outcome.events, Map.of());
            }
            double meanLoss = lossCount == 0 ? Double.NaN : lossSum / lossCount;
            Map<String, Double> metrics = Evaluator.evaluate(model, eval, config, group);
            epochMetrics.add(metrics);
            epochLosses.add(meanLoss);
            double score = metrics.get(SELECTION_METRIC);
            boolean best = score > bestScore;
            if (best) {
                bestScore = score;
                bestEpoch = epoch;
                saveBest(epoch, step, metrics, run);
            }
            run.epochDone(epoch, meanLoss, metrics, best);
            saveLast(new TrainerState(config, epoch + 1, 0, step, 0, 0, bestEpoch, bestScore, epochMetrics,
                    epochLosses, secondsBefore + run.elapsedSeconds(), optimizer.stepCount()), run);
            model.train(true);
        }
        double seconds = secondsBefore + run.elapsedSeconds();
        Path bestDir = outDir.resolve(BEST_DIR);
        return new PretrainResult(bestDir, bestEpoch, bestEpoch == 0 ? Map.of() : epochMetrics.get(bestEpoch - 1),
                List.copyOf(epochMetrics), List.copyOf(epochLosses), step, model.parameterCount(), seconds);
    }

    record StepOutcome(double loss, long events) {
    }

    /** The positions of a batch that predict a next item ({@code [B*T]} flat indices) and those items' rows. */
    record Predicted(long[] positions, long[] targets) {
        static Predicted of(EventBatch batch) {
            long[] labels = batch.labelArray();
            long[] positions = new long[labels.length];
            long[] targets = new long[labels.length];
            int n = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] != EventBatch.IGNORE) {
                    positions[n] = i;
                    targets[n++] = labels[i];
                }
            }
            return new Predicted(java.util.Arrays.copyOf(positions, n), java.util.Arrays.copyOf(targets, n));
        }
    }

    /** One optimisation step; null when the batch has nothing to predict (every user has one event). */
    StepOutcome trainStep(List<UserSequence> users, long step, double lr, TrainingRun run) {
        if (group.distributed()) {
            return trainStepOnSlice(users, step, lr, run);
        }
        EventBatch batch = EventBatch.lastEvents(users, config.maxLength(), config.featureSet(),
                model.embedding().tableRows());
        Predicted predicted = Predicted.of(batch);
        long[] positions = predicted.positions();
        long[] targets = predicted.targets();
        int n = targets.length;
        if (n == 0) {
            return null;
        }
        long events = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            events += batch.length(b);
        }
        boolean sampled = config.loss() == LossType.SAMPLED_SOFTMAX;
        long[] stepTargets = targets;
        long[] candidates = sampled ? sampledSoftmax.candidates(stepTargets, step) : null;
        try (PointerScope scope = new PointerScope()) {
            // tables are read through gathered rows so that only touched rows get gradients and
            // updates; the full item table stays dense under full softmax, which scores all of it
            Set<Table> gatheredTables = EnumSet.copyOf(config.featureSet().tables());
            if (!sampled) {
                gatheredTables.remove(Table.ITEM);
            }
            GatheredRows gathered = GatheredRows.gather(model.embedding(), batch, gatheredTables, candidates);
            double value;
            try (Tensor loss = forwardLoss(batch, gathered, positions, stepTargets, candidates, n, step)) {
                value = loss.item_float();
                run.checkLoss(value, step, lr);
                loss.backward();
            }
            // clipNorm 0 only measures the norm, for the divergence guard
            TensorVector all = new TensorVector();
            parameters.values().forEach(all::push_back);
            gathered.tables().forEach(table -> all.push_back(gathered.rows(table)));
            run.clip(all, config.clipNorm(), step, lr);
            optimizer.beginStep(lr);
            for (Table table : gathered.tables()) {
                optimizer.stepRows(TABLE_PREFIX + table.key(), gathered.ids(table),
                        Params.owned(gathered.rows(table).grad()), lr);
            }
            optimizer.zeroGrad();
            if (sampled) {
                sampledSoftmax.count(stepTargets);
            }
            return new StepOutcome(value, events);
        }
    }

    /**
     * The step's loss over the {@code positions} of {@code batch} (as a mean over {@code targetCount} targets), its
     * forward pass under the step's precision. It runs in a scope of its own that closes before the caller's
     * backward(): the forward pass's Java handles are gone by then, so only what autograd saved stays alive, and
     * backward frees that as it goes, as PyTorch's reference counting does (the step's scope would otherwise hold
     * every activation until the optimizer is done). Dropout draws from the global generator: it is reseeded per
     * step so a resumed run repeats it, and held through the forward pass so a stage running beside this one never
     * draws from it. The caller closes the returned loss.
     */
    private Tensor forwardLoss(EventBatch batch, GatheredRows gathered, long[] positions, long[] stepTargets,
                               long[] candidates, long targetCount, long step) {
        int n = stepTargets.length;
        try (PointerScope forward = new PointerScope(); Autocast autocast = Autocast.open(precision)) {
            Tensor states;
            synchronized (GlobalGenerator.LOCK) {
                torch.manual_seed(config.seed() * 1_000_003L + step);
                states = model.states(batch, gathered);                                     // [B, T, H]
            }
            Tensor flat = states.reshape(-1, states.size(2));                               // [B*T, H]
            Tensor selected = flat.index_select(0, Tensor.create(positions, n));            // [N, H]
            Tensor queries = model.queries(selected);                                       // [N, itemWidth]
            Tensor loss = config.loss() == LossType.SAMPLED_SOFTMAX
                    ? sampledSoftmax.loss(queries, gathered, stepTargets, candidates, targetCount)
                    : fullLoss(queries, stepTargets);
            return Tensors.keep(loss);
        }
    }

    /**
     * One data-parallel step on this rank's slice of the global batch ({@code users}), equal to the one-process
     * step on the whole batch up to float rounding: the loss is this slice's share of the batch mean (its sum over
     * the batch's target count), dense gradients are summed over the ranks in one bucket, the tables' gathered
     * rows travel as (ids, gradient rows) and are summed row by row (traffic follows the batch, not the table),
     * sampled softmax draws its candidates from every rank's targets, and the clipping norm covers all of it. Dropout
     * is the exception: each rank reseeds the generator as one process does, so a slice gets masks drawn for its own
     * shape (as in PyTorch's DDP with one seed), not the one-process masks; only dropout-free encoders follow one
     * process step for step.
     */
    private StepOutcome trainStepOnSlice(List<UserSequence> batchUsers, long step, double lr, TrainingRun run) {
        group.during("pretrain step " + step);
        int from = (int) ((long) batchUsers.size() * group.rank() / group.size());
        int to = (int) ((long) batchUsers.size() * (group.rank() + 1) / group.size());
        List<UserSequence> users = batchUsers.subList(from, to);
        EventBatch batch = users.isEmpty() ? null : EventBatch.lastEvents(users, config.maxLength(), config.featureSet(),
                model.embedding().tableRows());
        Predicted predicted = batch == null ? new Predicted(new long[0], new long[0]) : Predicted.of(batch);
        long[] positions = predicted.positions();
        long[] targets = predicted.targets();
        int n = targets.length;
        long events = 0;
        for (int b = 0; batch != null && b < batch.batchSize(); b++) {
            events += batch.length(b);
        }
        // a stop requested on any rank stops every rank after this step (one agreement, in the step's first collective)
        long[] totals = group.allReduceSum(new long[] {n, events, StopRequest.isRequested() ? 1 : 0});
        stopAgreed = totals[2] > 0;
        if (stopAgreed && !StopRequest.isRequested()) {
            StopRequest.requestFromRun("a stop on another rank", StopRequest.AGREED_STATUS);
        }
        long batchTargets = totals[0];
        if (batchTargets == 0) {
            return null;
        }
        boolean sampled = config.loss() == LossType.SAMPLED_SOFTMAX;
        long[] stepTargets = targets;
        long[] allTargets = sampled ? group.allGather(stepTargets).stream().flatMapToLong(java.util.Arrays::stream).toArray()
                : null;
        long[] candidates = sampled ? sampledSoftmax.candidates(allTargets, step) : null;
        try (PointerScope scope = new PointerScope()) {
            Set<Table> gatheredTables = EnumSet.copyOf(config.featureSet().tables());
            if (!sampled) {
                gatheredTables.remove(Table.ITEM);
            }
            GatheredRows gathered = batch == null ? null
                    : GatheredRows.gather(model.embedding(), batch, gatheredTables, candidates);
            Tensor lossShare = torch.zeros(1);
            if (n > 0) {
                try (Tensor mean = forwardLoss(batch, gathered, positions, stepTargets, candidates, batchTargets, step)) {
                    Tensor share = mean.mul(new Scalar((double) n / batchTargets));
                    share.backward();
                    lossShare = share.detach().reshape(1);
                }
            }
            // dense gradients and the loss: one bucket
            List<String> dense = new ArrayList<>();
            for (String name : parameters.keySet()) {
                if (!(name.startsWith(TABLE_PREFIX) && gatheredTables.contains(tableOf(name)))) {
                    dense.add(name);
                }
            }
            List<Tensor> clipped = new ArrayList<>(GradientExchange.sumDense(group, parameters, dense, lossShare));
            double value = lossShare.item_double();
            run.checkLoss(value, step, lr);
            // gathered table rows: every rank's (ids, gradient rows), summed per id
            long bytesBefore = group.bytesSent();
            Map<Table, GradientExchange.TouchedRows> touched = new java.util.EnumMap<>(Table.class);
            for (Table table : gatheredTables) {
                long width = tableWidth(table);
                long[] ids = gathered == null ? new long[0] : gathered.ids(table);
                Tensor rowGrad = gathered == null ? torch.zeros(0, width)
                        : gathered.rows(table).grad().defined() ? gathered.rows(table).grad()
                        : torch.zeros(ids.length, width);
                GradientExchange.TouchedRows rows = GradientExchange.sumRows(group, ids, rowGrad);
                touched.put(table, rows);
                clipped.add(rows.gradients());
            }
            tableExchangeBytes += group.bytesSent() - bytesBefore;
            run.clipGradients(clipped, config.clipNorm(), step, lr);
            optimizer.beginStep(lr);
            for (Table table : gatheredTables) {
                GradientExchange.TouchedRows rows = touched.get(table);
                optimizer.stepRows(TABLE_PREFIX + table.key(), rows.ids(), rows.gradients(), lr);
            }
            optimizer.zeroGrad();
            if (sampled) {
                sampledSoftmax.count(allTargets);
            }
            return new StepOutcome(value, totals[1]);
        }
    }

    /** Bytes this rank has put into the exchange of touched table rows (ids and gradient rows), for benchmarks. */
    long tableExchangeBytes() {
        return tableExchangeBytes;
    }

    /** Columns of a table's rows. */
    long tableWidth(Table table) {
        return parameters.get(TABLE_PREFIX + table.key()).size(1);
    }

    private static Table tableOf(String parameterName) {
        String key = parameterName.substring(TABLE_PREFIX.length());
        for (Table table : Table.values()) {
            if (table.key().equals(key)) {
                return table;
            }
        }
        return null;
    }

    /** Mean cross-entropy of the targets over every item ({@link FullSoftmaxLoss}: no {@code [N, items]} logits). */
    private Tensor fullLoss(Tensor queries, long[] targets) {
        return FullSoftmaxLoss.of(queries, model.embedding().itemTable(), targets);
    }

    /** The epoch's batches: windows of users shuffled by a generator seeded from (seed, epoch, window). */
    private Iterator<List<UserSequence>> shuffledBatches(int epoch) {
        int batchSize = config.batchSize();
        Iterator<List<UserSequence>> windows = train.batches(SHUFFLE_WINDOW * batchSize);
        return new Iterator<>() {
            private List<UserSequence> window = List.of();
            private int position;
            private long windowIndex;

            @Override
            public boolean hasNext() {
                if (position < window.size()) {
                    return true;
                }
                while (windows.hasNext()) {
                    List<UserSequence> next = new ArrayList<>(windows.next());
                    Collections.shuffle(next, new Random(config.seed() * 7_919L + epoch * 104_729L + windowIndex++));
                    if (!next.isEmpty()) {
                        window = next;
                        position = 0;
                        return true;
                    }
                }
                return false;
            }

            @Override
            public List<UserSequence> next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                List<UserSequence> batch = window.subList(position, Math.min(window.size(), position + batchSize));
                position += batch.size();
                return batch;
            }
        };
    }

    private void saveBest(int epoch, long step, Map<String, Double> metrics, TrainingRun run) throws IOException {
        if (!group.isMain()) {
            group.awaitMainWork("pretrain best checkpoint of step " + step);   // every rank holds the same weights
            return;
        }
        AtomicFiles.writeFolder(outDir.resolve(BEST_DIR),
                folder -> {
                    EncoderCheckpoint.writeModel(folder, model, config, epoch, step, metrics);
                    return null;
                });
        group.mainWorkDone("pretrain best checkpoint of step " + step);
        run.checkpointWritten(outDir.resolve(BEST_DIR));
    }

    private void saveLast(TrainerState state, TrainingRun run) throws IOException {
        if (!group.isMain()) {
            group.awaitMainWork("pretrain checkpoint of step " + state.step());
            return;
        }
        AtomicFiles.writeFolder(outDir.resolve(LAST_DIR), folder -> {
            EncoderCheckpoint.writeModel(folder, model, config, state.epoch(), state.step(), Map.of());
            try (PointerScope scope = new PointerScope()) {
                CheckpointIO.write(folder.resolve(OPTIMIZER_FILE), optimizerState(), Map.of());
            }
            EncoderCheckpoint.JSON.writeValue(folder.resolve(TRAINER_FILE).toFile(), state);
            return null;
        });
        group.mainWorkDone("pretrain checkpoint of step " + state.step());
        run.checkpointWritten(outDir.resolve(LAST_DIR));
    }

    /**
     * Loads {@code last/} into the model and optimizer; null when there is nothing to resume. In a group rank 0
     * reads the checkpoint and the others receive its state and tensors (they need no access to the folder).
     */
    private TrainerState restore() {
        if (!group.distributed()) {
            return restoreFromFolder();
        }
        group.during("pretrain resume");
        TrainerState read = group.isMain() ? restoreFromFolder() : null;
        String json;
        try {
            json = group.broadcast("pretrain-resume", read == null ? "" : EncoderCheckpoint.JSON.writeValueAsString(read));
            if (json.isEmpty()) {
                return null;
            }
            TrainerState state = EncoderCheckpoint.JSON.readValue(json, TrainerState.class);
            List<Tensor> tensors = new ArrayList<>(parameters.values());
            tensors.addAll(optimizerState().values());
            group.broadcast(tensors);
            optimizer.setStepCount(state.optimizerSteps());
            if (sampledSoftmax != null) {
                sampledSoftmax.recount();
            }
            return state;
        } catch (IOException e) {
            throw new UqaException("pretrain: cannot pass the trainer state to the other ranks: " + e.getMessage(), e);
        }
    }

    private TrainerState restoreFromFolder() {
        Path last = outDir.resolve(LAST_DIR);
        if (!Files.exists(last.resolve(TRAINER_FILE))) {
            return null;
        }
        TrainerState state;
        try {
            state = EncoderCheckpoint.JSON.readValue(last.resolve(TRAINER_FILE).toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new UqaException(last.resolve(TRAINER_FILE) + " is not a valid trainer state: " + e.getMessage(), e);
        }
        if (!config.equals(state.config())) {
            throw new UqaException("cannot resume from " + last + ": it was made with another config ("
                    + state.config() + "); use a new output directory or the same config");
        }
        EncoderCheckpoint.readManifest(last);
        CheckpointIO.readInto(last.resolve(EncoderCheckpoint.MODEL_FILE), parameters);
        CheckpointIO.readInto(last.resolve(OPTIMIZER_FILE), optimizerState());
        optimizer.setStepCount(state.optimizerSteps());
        if (sampledSoftmax != null) {
            sampledSoftmax.recount();
        }
        return state;
    }

    /** Optimizer moments, plus the target counts of sampled softmax. */
    private Map<String, Tensor> optimizerState() {
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(optimizer.state());
        if (sampledSoftmax != null) {
            state.put(ITEM_COUNTS, sampledSoftmax.counts());
        }
        return state;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
