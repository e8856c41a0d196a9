package dev.uqabench.pretrain;

import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.EventBatch;
import dev.uqabench.encoder.UserModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.LongPointer;
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

    static RankingMetrics ranks(UserModel model, SequenceSource eval, PretrainConfig config) {
        boolean wasTraining = model.is_training();
        model.eval();
        RankingMetrics metrics = new RankingMetrics();
        long limit = config.evalUsers() == 0 ? Long.MAX_VALUE : config.evalUsers();
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Iterator<List<UserSequence>> it = eval.batches(config.batchSize()); it.hasNext() && metrics.users() < limit; ) {
                List<UserSequence> users = new ArrayList<>();
                for (UserSequence user : it.next()) {
                    if (user.length() >= 2 && metrics.users() + users.size() < limit) {
                        users.add(user);
                    }
                }
                if (!users.isEmpty()) {
                    rankBatch(model, users, config, metrics);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return metrics;
    }

    private static void rankBatch(UserModel model, List<UserSequence> users, PretrainConfig config,
                                  RankingMetrics metrics) {
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
            LongPointer pointer = above.data_ptr_long();
            for (int b = 0; b < size; b++) {
                metrics.add(pointer.get(b));
            }
        }
    }
}
