package dev.uqabench.data.arrow;

import dev.uqabench.data.UserSequence;

import java.util.Objects;

/**
 * One row of a release file.
 *
 * @param index    0-based row index in the file
 * @param sequence the user's events (align files: the history the question is asked about)
 * @param chat     the parsed {@code text} column of align files; null in pretrain files
 * @param subtask  the {@code subtask} column ("df", "mf", ...) of our align files; null in the release,
 *                 whose questions are classified by the reference scorer's rules instead
 */
public record ReleaseRow(long index, UserSequence sequence, ChatText chat, String subtask) {

    public ReleaseRow {
        Objects.requireNonNull(sequence, "sequence");
    }

    public boolean hasChat() {
        return chat != null;
    }
}
