package dev.uqabench.eval;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.uqabench.base.Json;
import dev.uqabench.dist.Group;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Questions dealt out over the ranks of a data-parallel group by whole batches (batch i to rank i mod size), so
 * every batch holds the questions it holds in one process and each answer is bit for bit the one-process answer;
 * the answers are gathered back into question order.
 */
final class Shards {

    private Shards() {
    }

    /** Indices of the items in the batches of {@code rank}, ascending. */
    static List<Integer> batchesOf(int items, int batchSize, int rank, int ranks) {
        List<Integer> mine = new ArrayList<>();
        for (int start = 0, batch = 0; start < items; start += batchSize, batch++) {
            if (batch % ranks == rank) {
                for (int i = start; i < Math.min(items, start + batchSize); i++) {
                    mine.add(i);
                }
            }
        }
        return mine;
    }

    static <T> List<T> pick(List<T> all, List<Integer> indices) {
        if (indices.size() == all.size()) {
            return all;
        }
        List<T> picked = new ArrayList<>(indices.size());
        indices.forEach(i -> picked.add(all.get(i)));
        return picked;
    }

    /** Every rank's answers, placed back at their questions' indices. */
    static List<Answerer.Answer> gather(Group group, List<Answerer.Answer> mine, List<Integer> myIndices, int items,
                                        int batchSize) {
        List<String> parts;
        try {
            parts = group.allGather(Json.mapper().writeValueAsString(mine));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Answerer.Answer[] all = new Answerer.Answer[items];
        for (int r = 0; r < parts.size(); r++) {
            List<Answerer.Answer> theirs;
            try {
                theirs = Json.mapper().readValue(parts.get(r), new TypeReference<List<Answerer.Answer>>() { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Integer> indices = r == group.rank() ? myIndices : batchesOf(items, batchSize, r, group.size());
            if (indices.size() != theirs.size()) {
                throw new IllegalStateException("rank " + r + " answered " + theirs.size() + " questions, its share is "
                        + indices.size());
            }
            for (int i = 0; i < indices.size(); i++) {
                all[indices.get(i)] = theirs.get(i);
            }
        }
        if (Arrays.stream(all).anyMatch(a -> a == null)) {
            throw new IllegalStateException("some questions were answered by no rank");
        }
        return Arrays.asList(all);
    }
}
