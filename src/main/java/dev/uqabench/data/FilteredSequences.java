package dev.uqabench.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * The users of a source that pass a filter (the validation users of the held-out file), read in
 * batches like the source. The rows are counted once, on construction.
 */
public final class FilteredSequences implements SequenceSource {

    private static final int COUNT_BATCH = 1024;

    private final SequenceSource source;
    private final Predicate<String> keep;
    private final long rows;

    public FilteredSequences(SequenceSource source, Predicate<String> keep) {
        this.source = source;
        this.keep = keep;
        long n = 0;
        for (Iterator<List<UserSequence>> it = source.batches(COUNT_BATCH); it.hasNext(); ) {
            for (UserSequence user : it.next()) {
                n += keep.test(user.user()) ? 1 : 0;
            }
        }
        this.rows = n;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public Iterator<List<UserSequence>> batches(int batchSize) {
        Iterator<List<UserSequence>> inner = source.batches(batchSize);
        return new Iterator<>() {
            private final List<UserSequence> pending = new ArrayList<>();

            private void fill() {
                while (pending.size() < batchSize && inner.hasNext()) {
                    for (UserSequence user : inner.next()) {
                        if (keep.test(user.user())) {
                            pending.add(user);
                        }
                    }
                }
            }

            @Override
            public boolean hasNext() {
                fill();
                return !pending.isEmpty();
            }

            @Override
            public List<UserSequence> next() {
                fill();
                if (pending.isEmpty()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batchSize, pending.size());
                List<UserSequence> batch = new ArrayList<>(pending.subList(0, n));
                pending.subList(0, n).clear();
                return batch;
            }
        };
    }
}
