package dev.uqabench.encoder;

import dev.uqabench.data.Event;
import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.UserSequence;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/** Small synthetic sequences for tests: each user walks the catalog with its own stride. */
public final class ToyData {

    private ToyData() {
    }

    /** An event for item {@code item}; side ids and tokens derive from it. */
    public static Event event(long item, long tableSize) {
        long[][] tokens = new long[5][];
        tokens[0] = new long[] {item % tableSize, (item * 7 + 1) % tableSize};
        tokens[1] = new long[] {(item % 5)};
        tokens[2] = new long[] {};
        tokens[3] = new long[] {(item % 3), (item % 4), 1};
        tokens[4] = new long[] {(item % 11) % tableSize};
        return new Event(item, item % 10, item % 7, item % 13, item % 13, tokens);
    }

    /**
     * Users whose next item is {@code (item + stride) mod items}, stride in {1, 2}, lengths in
     * {@code [minLength, maxLength]}: a pattern any sequence model can learn from a few events.
     */
    public static List<UserSequence> strideUsers(int count, int items, int minLength, int maxLength, long seed) {
        Random random = new Random(seed);
        List<UserSequence> users = new ArrayList<>();
        for (int u = 0; u < count; u++) {
            int length = minLength + random.nextInt(maxLength - minLength + 1);
            int stride = 1 + random.nextInt(2);
            long item = random.nextInt(items);
            List<Event> events = new ArrayList<>();
            for (int t = 0; t < length; t++) {
                events.add(event(item, items));
                item = (item + stride) % items;
            }
            users.add(new UserSequence("u" + u, events));
        }
        return users;
    }

    /** A source over an in-memory list. */
    public static SequenceSource source(List<UserSequence> users) {
        return new SequenceSource() {
            @Override
            public long rows() {
                return users.size();
            }

            @Override
            public Iterator<List<UserSequence>> batches(int batchSize) {
                List<List<UserSequence>> batches = new ArrayList<>();
                for (int i = 0; i < users.size(); i += batchSize) {
                    batches.add(users.subList(i, Math.min(users.size(), i + batchSize)));
                }
                return batches.iterator();
            }
        };
    }
}
