package dev.uqabench.align;

import dev.uqabench.data.UserSequence;
import dev.uqabench.tensor.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A frozen encoder's states, each distinct sequence encoded once up front: alignment visits every example once
 * per epoch and its validation questions after every epoch, and questions about the same user at the same point
 * of their history share one sequence. Sequences are compared by content ({@link UserSequence} is a record).
 *
 * <p>The states are computed in batches of the distinct sequences in their first-seen order, so they do not
 * depend on how training later shuffles or batches the examples (an interrupted and resumed run reads the same
 * floats). Entries are kept while they fit {@code budgetBytes}; sequences past it are encoded on every call,
 * as without the cache. The encoder must stay frozen while the cache is in use. Close it to free the entries.
 */
public final class FrozenStates implements StateEncoder, AutoCloseable {

    /** Default budget: a quickstart's alignment questions need about 100 MB. */
    public static final long DEFAULT_BUDGET_BYTES = 512L << 20;

    private final StateEncoder encoder;
    private final Map<UserSequence, Tensor> cache = new HashMap<>();
    private long bytes;
    private long hits;
    private long misses;

    /**
     * Encodes the distinct sequences of {@code sequences} in batches of {@code batchSize} and keeps their states
     * while they fit {@code budgetBytes}.
     */
    public FrozenStates(StateEncoder encoder, List<UserSequence> sequences, int batchSize, long budgetBytes) {
        if (budgetBytes < 0 || batchSize <= 0) {
            throw new IllegalArgumentException("cache budget must be >= 0 bytes and batch size positive, got "
                    + budgetBytes + " and " + batchSize);
        }
        this.encoder = encoder;
        List<UserSequence> distinct = new ArrayList<>(new LinkedHashSet<>(sequences));
        boolean full = false;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int from = 0; from < distinct.size() && !full; from += batchSize) {
                try (PointerScope scope = new PointerScope()) {
                    List<UserSequence> batch = distinct.subList(from, Math.min(distinct.size(), from + batchSize));
                    Encoded e = encoder.encode(batch);
                    long[] lengths = Tensors.toLongs(e.lengths());
                    for (int i = 0; i < batch.size(); i++) {
                        Tensor states = e.states().select(0, i).narrow(0, 0, lengths[i]);     // [len, H]
                        long size = states.numel() * states.element_size();
                        if (bytes + size > budgetBytes) {
                            full = true;                                          // stop caching
                            break;
                        }
                        cache.put(batch.get(i), Tensors.keep(states.clone()));
                        bytes += size;
                    }
                }
            }
        }
    }

    @Override
    public Encoded encode(List<UserSequence> sequences) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no sequences to encode");
        }
        List<UserSequence> missing = sequences.stream().filter(s -> !cache.containsKey(s)).toList();
        if (!missing.isEmpty()) {
            misses += sequences.size();
            return encoder.encode(sequences);                            // past the budget: as without the cache
        }
        hits += sequences.size();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            long longest = 0;
            long[] lengths = new long[sequences.size()];
            for (int b = 0; b < sequences.size(); b++) {
                lengths[b] = cache.get(sequences.get(b)).size(0);
                longest = Math.max(longest, lengths[b]);
            }
            Tensor first = cache.get(sequences.get(0));
            Tensor out = torch.zeros(new long[] {sequences.size(), longest, encoder.hiddenSize()},
                    Tensors.options(first.scalar_type()));                              // right-padded with zeros
            for (int b = 0; b < sequences.size(); b++) {
                out.select(0, b).narrow(0, 0, lengths[b]).copy_(cache.get(sequences.get(b)));
            }
            return new Encoded(out, Tensors.fromLongs(lengths, lengths.length));
        }
    }

    @Override
    public int hiddenSize() {
        return encoder.hiddenSize();
    }

    @Override
    public Module module() {
        return encoder.module();
    }

    /** Distinct sequences held, their bytes, rows served from the cache and rows the encoder ran on. */
    public record Stats(int entries, long bytes, long hits, long misses) {
    }

    public Stats stats() {
        return new Stats(cache.size(), bytes, hits, misses);
    }

    @Override
    public void close() {
        try (PointerScope scope = new PointerScope()) {
            cache.values().forEach(Tensor::close);
        }
        cache.clear();
        bytes = 0;
    }
}
