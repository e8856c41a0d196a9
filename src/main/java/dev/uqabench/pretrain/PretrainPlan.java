package dev.uqabench.pretrain;

import dev.uqabench.base.UqaException;
import dev.uqabench.data.Event;
import dev.uqabench.data.Feature;
import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.TableRows;
import dev.uqabench.encoder.TableSizes;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What pretraining on a data set will hold in memory, decided before the first step: which tables are
 * compacted to the ids that occur ({@link TableRows}), which loss {@link LossType#AUTO} becomes, and an
 * estimate of the large allocations — embedding tables, their AdamW moments (two more copies), and the
 * loss's logits (full softmax scores blocks of positions at a time, {@link FullSoftmaxLoss}; sampled softmax
 * holds its {@code [positions, candidates]} logits with their log-softmax and gradients). A plan whose estimate
 * exceeds the machine's memory stops with a one-line hint instead of an out-of-memory error minutes later.
 *
 * @param rows          how ids map to embedding rows
 * @param loss          the loss to train with (never {@link LossType#AUTO})
 * @param longestWindow the most events one user contributes to a step (max length, or the longest sequence)
 * @param tableBytes    the embedding tables' weights
 * @param optimizerBytes AdamW's two moments of the tables
 * @param logitsBytes   the loss's logits and table-sized gradients at the peak of a step
 * @param fullLogitsBytes what full softmax's logits would take scored all at once, four {@code [positions, items]}
 *                      float tensors: the measure of its cost that {@code auto} compares with its budget
 */
public record PretrainPlan(TableRows rows, LossType loss, int longestWindow, long tableBytes, long optimizerBytes,
                           long logitsBytes, long fullLogitsBytes) {

    /**
     * {@link LossType#AUTO} picks full softmax when its logits, scored all at once, would take at most this much (512
     * MiB): the rule from before the blocked loss, kept as the bound on the cost of scoring every item each step.
     */
    public static final long FULL_SOFTMAX_LOGITS_BUDGET = 1L << 29;
    /** Float tensors of {@code [positions, items]} alive at the peak of a full-softmax step (logits, log-softmax, two grads). */
    static final int LOGIT_COPIES = 4;
    /** A plan may use at most this share of the machine's physical memory. */
    static final double MEMORY_SHARE = 0.8;

    public PretrainPlan {
        if (loss == LossType.AUTO) {
            throw new IllegalArgumentException("a plan's loss is resolved, never auto");
        }
    }

    /**
     * Plans training on {@code sources} (every file whose events the encoder will read: the training users', the
     * held-out users', question histories).
     */
    public static PretrainPlan of(PretrainConfig config, TableSizes catalogue, List<SequenceSource> sources) {
        Map<Table, BitSet> seen = new EnumMap<>(Table.class);
        for (Table table : config.featureSet().tables()) {
            seen.put(table, new BitSet((int) Math.min(Integer.MAX_VALUE, catalogue.size(table))));
        }
        int longest = 1;
        for (SequenceSource source : sources) {
            for (Iterator<List<UserSequence>> it = source.batches(256); it.hasNext(); ) {
                for (UserSequence user : it.next()) {
                    longest = Math.max(longest, user.length());
                    for (Event event : user.events()) {
                        for (Feature feature : config.featureSet().features()) {
                            BitSet bits = seen.get(feature.table());
                            for (long id : event.values(feature)) {
                                if (id >= 0 && id < catalogue.size(feature.table())) {
                                    bits.set((int) id);
                                }
                            }
                        }
                    }
                }
            }
        }
        Map<Table, long[]> compacted = new EnumMap<>(Table.class);
        seen.forEach((table, bits) -> {
            long occurring = bits.cardinality();
            boolean compact = switch (config.compactTables()) {
                case ALWAYS -> true;
                case NEVER -> false;
                case AUTO -> 2 * (occurring + 1) < catalogue.size(table);
            };
            if (compact) {
                compacted.put(table, bits.stream().asLongStream().toArray());
            }
        });
        TableRows rows = compacted.isEmpty() ? TableRows.identity(catalogue) : TableRows.compacted(catalogue, compacted);
        int window = Math.min(config.maxLength(), longest);
        return plan(config, rows, window);
    }

    /** The plan for known rows and the longest window a step reads. */
    static PretrainPlan plan(PretrainConfig config, TableRows rows, int window) {
        TableSizes sizes = rows.rows();
        long tableBytes = 0;
        for (Table table : config.featureSet().tables()) {
            tableBytes += sizes.size(table) * table.defaultEmbeddingDim() * Float.BYTES;
        }
        long positions = (long) config.batchSize() * window;
        long fullLogits = LOGIT_COPIES * positions * sizes.size(Table.ITEM) * Float.BYTES;
        LossType loss = config.loss() != LossType.AUTO ? config.loss()
                : fullLogits <= FULL_SOFTMAX_LOGITS_BUDGET ? LossType.FULL_SOFTMAX : LossType.SAMPLED_SOFTMAX;
        // sampled softmax scores the step's targets and shared negatives, at most every item
        long candidates = Math.min(sizes.size(Table.ITEM), (long) config.negatives() + positions);
        long logits = loss == LossType.FULL_SOFTMAX
                ? FullSoftmaxLoss.peakBytes(positions, sizes.size(Table.ITEM), Table.ITEM.defaultEmbeddingDim())
                : LOGIT_COPIES * positions * candidates * Float.BYTES;
        return new PretrainPlan(rows, loss, window, tableBytes, 2 * tableBytes, logits, fullLogits);
    }

    /** The config to train with: {@code loss} resolved. */
    public PretrainConfig resolve(PretrainConfig config) {
        return config.loss() == loss ? config : config.withLoss(loss, config.negatives());
    }

    public long totalBytes() {
        return tableBytes + optimizerBytes + logitsBytes;
    }

    /** Stops with a hint when the estimate exceeds {@link #MEMORY_SHARE} of {@code physicalBytes}. */
    public void check(long physicalBytes) {
        if (physicalBytes > 0 && totalBytes() > MEMORY_SHARE * physicalBytes) {
            throw new UqaException("pretrain: needs about " + gib(totalBytes()) + " (tables " + gib(tableBytes)
                    + ", optimizer state " + gib(optimizerBytes) + ", " + lossName(loss) + " logits " + gib(logitsBytes)
                    + "), more than " + Math.round(MEMORY_SHARE * 100) + " % of this machine's " + gib(physicalBytes)
                    + (loss == LossType.FULL_SOFTMAX ? "; set pretrain.loss: sampled_softmax (or auto)," : ";")
                    + " lower pretrain.batch_size or pretrain.max_length, or set pretrain.compact_tables: always");
        }
    }

    /** One line for the log: tables, loss and the estimate. */
    public String describe() {
        StringBuilder s = new StringBuilder("pretrain plan: ");
        boolean first = true;
        for (Table table : Table.values()) {
            if (rows.isCompacted(table)) {
                s.append(first ? "" : ", ").append(table.key()).append(' ')
                        .append(String.format(Locale.ROOT, "%,d of %,d rows", rows.rows().size(table), rows.catalogue().size(table)));
                first = false;
            }
        }
        s.append(first ? "tables whole" : " (compacted to the ids that occur)");
        s.append("; ").append(lossName(loss));
        if (loss == LossType.SAMPLED_SOFTMAX && fullLogitsBytes > FULL_SOFTMAX_LOGITS_BUDGET) {
            s.append(" (full softmax's logits would take ").append(gib(fullLogitsBytes)).append(')');
        }
        s.append("; estimated ").append(gib(totalBytes())).append(" for tables, optimizer state and logits");
        return s.toString();
    }

    /** Figures for the stage manifest. */
    public Map<String, Object> metrics() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("loss", loss == LossType.FULL_SOFTMAX ? "full_softmax" : "sampled_softmax");
        m.put("table_rows", rows.rows().byKey());
        m.put("compacted_tables", rows.occurring().keySet().stream().map(Table::key).toList());
        m.put("memory_estimate_bytes", totalBytes());
        return m;
    }

    private static String lossName(LossType loss) {
        return loss == LossType.FULL_SOFTMAX ? "full softmax" : "sampled softmax";
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
