package dev.uqabench.pretrain;

import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.dist.Group;
import dev.uqabench.dist.World;
import dev.uqabench.encoder.EventBatch;
import dev.uqabench.encoder.UserModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Next-item ranking at the last position of held-out users: the model reads all but a user's
 * last event and ranks the whole item table for it (the occurring items and the unseen row when the
 * table was compacted, {@link dev.uqabench.encoder.TableRows}); Recall@K and NDCG@K follow.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /** Metrics over the users of {@code eval} with at least two events ({@code evalUsers} caps them). */
    public static Map<String, Double> evaluate(UserModel model, SequenceSource eval, PretrainConfig config) {
        return ranks(model, eval, config).asMap();
    }

    /** {@link #evaluate} with the batches dealt out over the ranks of {@code group}. */
    public static Map<String, Double> evaluate(UserModel model, SequenceSource eval, PretrainConfig config, Group group) {
        return ranks(model, eval, config, group).asMap();
    }

    static RankingMetrics ranks(UserModel model, SequenceSource eval, PretrainConfig config) {
        return ranks(model, eval, config, World.group());
    }

    /**
     * The ranks of every eligible user's last item, in the users' order. In a group of several processes the
     * batches are dealt out round-robin (batch i to rank i mod size) and the ranks gathered back in order, so
     * every process returns the metrics one process would.
     */
    static RankingMetrics ranks(UserModel model, SequenceSource eval, PretrainConfig config, Group group) {
        boolean wasTraining = model.is_training();
        model.eval();
        long limit = config.evalUsers() == 0 ? Long.MAX_VALUE : config.evalUsers();
        List<Long> mine = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        long counted = 0;
        try (NoGradGuard guard = new NoGradGuard()) {
            int batchIndex = 0;
            for (Iterator<List<UserSequence>> it = eval.batches(config.batchSize()); it.hasNext() && counted < limit; ) {
                List<UserSequence> users = new ArrayList<>();
                for (UserSequence user : it.next()) {
                    if (user.length() >= 2 && counted + users.size() < limit) {
                        users.add(user);
                    }
                }
                if (users.isEmpty()) {
                    continue;
                }
                counted += users.size();
                batchSizes.add(users.size());
                if (batchIndex++ % group.size() == group.rank()) {
                    for (long above : rankBatch(model, users, config)) {
                        mine.add(above);
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        RankingMetrics metrics = new RankingMetrics();
        if (!group.distributed()) {
            mine.forEach(metrics::add);
            return metrics;
        }
        group.during("pretrain evaluation");
        List<long[]> all = group.allGather(mine.stream().mapToLong(Long::longValue).toArray());
        int[] read = new int[group.size()];
        for (int i = 0; i < batchSizes.size(); i++) {
            int r = i % group.size();
            for (int k = 0; k < batchSizes.get(i); k++) {
                metrics.add(all.get(r)[read[r]++]);
            }
        }
        return metrics;
    }

    /** How many items score above each user's last one. */
    private static long[] rankBatch(UserModel model, List<UserSequence> users, PretrainConfig config) {
        int size = users.size();
        int[] prefix = new int[size];
        long[] targets = new long[size];
        for (int b = 0; b < size; b++) {
            prefix[b] = users.get(b).length() - 1;
            targets[b] = model.embedding().tableRows().row(Table.ITEM, users.get(b).events().get(prefix[b]).item());
        }
        EventBatch batch = EventBatch.prefixes(users, prefix, config.maxLength(), config.featureSet(),
                model.embedding().tableRows());
        long[] last = new long[size];
        for (int b = 0; b < size; b++) {
            last[b] = (long) b * batch.time() + batch.length(b) - 1;
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor states = model.states(batch);                                            // [B, T, H]
            Tensor lastStates = states.reshape(-1, states.size(2)).index_select(0, Tensor.create(last, size)); // [B, H]
            Tensor scores = model.scoreAll(model.queries(lastStates));                      // [B, items]
            Tensor target = Tensor.create(targets, size, 1);
            Tensor targetScores = scores.gather(1, target);                                 // [B, 1]
            Tensor above = scores.gt(targetScores).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Long)).contiguous(); // [B]
            long[] out = new long[size];
            above.data_ptr_long().get(out);
            return out;
        }
    }
}
