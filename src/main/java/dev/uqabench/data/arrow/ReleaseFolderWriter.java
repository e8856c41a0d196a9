package dev.uqabench.data.arrow;

import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Splits full user sequences in time and writes them in the release layout: each sequence's last
 * events (a {@code futureFraction} share, at least one) are its future, the rest its history.
 * Histories of held-out users go to {@code pretrain_data_eval.arrow}, the others to
 * {@code pretrain_data_train.arrow}; the futures of every user to {@code future_data.arrow}.
 * Sequences are written as they come, so no more than one record batch per file is held.
 */
public final class ReleaseFolderWriter implements AutoCloseable {

    private final double futureFraction;
    private final double heldOutUserFraction;
    private final int minEvents;
    private final Random random;
    private final ReleaseWriter train;
    private final ReleaseWriter eval;
    private final ReleaseWriter future;
    private long trainUsers;
    private long evalUsers;
    private long events;
    private long dropped;

    /**
     * @param minEvents users with fewer events are dropped (>= 2: one history and one future event)
     * @param random    decides which users are held out
     */
    public ReleaseFolderWriter(Path directory, double futureFraction, double heldOutUserFraction, int minEvents,
                               Random random, int batchRows) {
        // validates the split parameters with the same rules dataset.json applies
        new DatasetInfo.Split(futureFraction, heldOutUserFraction, minEvents, 0);
        this.futureFraction = futureFraction;
        this.heldOutUserFraction = heldOutUserFraction;
        this.minEvents = minEvents;
        this.random = random;
        this.train = ReleaseWriter.create(directory.resolve(ReleaseLayout.PRETRAIN_TRAIN), false, batchRows);
        this.eval = ReleaseWriter.create(directory.resolve(ReleaseLayout.PRETRAIN_EVAL), false, batchRows);
        this.future = ReleaseWriter.create(directory.resolve(ReleaseLayout.FUTURE), false, batchRows);
    }

    /** Number of future events of a sequence of {@code length} events. */
    public static int futureLength(int length, double futureFraction) {
        return Math.max(1, (int) Math.round(length * futureFraction));
    }

    /** Splits and writes one user's full sequence; returns false when it is too short and dropped. */
    public boolean add(UserSequence full) {
        int length = full.length();
        if (length < minEvents) {
            dropped++;
            return false;
        }
        int cut = length - futureLength(length, futureFraction);
        List<Event> all = full.events();
        UserSequence history = new UserSequence(full.user(), all.subList(0, cut));
        UserSequence later = new UserSequence(full.user(), all.subList(cut, length));
        if (random.nextDouble() < heldOutUserFraction) {
            eval.write(history);
            evalUsers++;
        } else {
            train.write(history);
            trainUsers++;
        }
        future.write(later);
        events += length;
        return true;
    }

    public long trainUsers() {
        return trainUsers;
    }

    public long evalUsers() {
        return evalUsers;
    }

    public long events() {
        return events;
    }

    /** Users dropped for having fewer than {@code minEvents} events. */
    public long dropped() {
        return dropped;
    }

    /** Finishes all three files (each renamed into place only now). */
    public void commit() {
        train.commit();
        eval.commit();
        future.commit();
    }

    /** Without {@link #commit()}, removes everything written. */
    @Override
    public void close() {
        train.close();
        eval.close();
        future.close();
    }
}
