package dev.uqabench.data;

import java.util.List;
import java.util.Objects;

/**
 * A user's clicks in time order, oldest first.
 *
 * @param user a stable user key (the release has none: readers use the row index)
 */
public record UserSequence(String user, List<Event> events) {

    public UserSequence {
        Objects.requireNonNull(user, "user");
        events = List.copyOf(events);
    }

    public int length() {
        return events.size();
    }

    /** The last {@code n} events (all of them if there are fewer). */
    public List<Event> last(int n) {
        return events.subList(Math.max(0, events.size() - n), events.size());
    }
}
