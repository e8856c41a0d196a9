package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;

import java.util.List;
import java.util.Objects;

/**
 * A test user: the history the encoder sees and the clicks that followed it (action-prediction
 * questions ask about the first of these).
 */
public record UserSplit(UserSequence history, List<Event> future) {

    public UserSplit {
        Objects.requireNonNull(history, "history");
        future = List.copyOf(future);
    }

    /** Holds out the last {@code futureLength} clicks of a full sequence. */
    public static UserSplit holdOut(UserSequence full, int futureLength) {
        if (futureLength < 0 || futureLength >= full.length()) {
            throw new IllegalArgumentException("user " + full.user() + ": cannot hold out " + futureLength
                    + " of " + full.length() + " clicks (at least one must stay in the history)");
        }
        int cut = full.length() - futureLength;
        return new UserSplit(new UserSequence(full.user(), full.events().subList(0, cut)),
                full.events().subList(cut, full.length()));
    }
}
