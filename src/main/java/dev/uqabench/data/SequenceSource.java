package dev.uqabench.data;

import java.util.Iterator;
import java.util.List;

/**
 * Rows of user sequences read in batches, so that a full-scale file is never held whole as Java
 * objects. Each call to {@link #batches} starts a fresh pass.
 */
public interface SequenceSource {

    /** Number of rows (users, or questions in align files). */
    long rows();

    /** One pass over all rows in file order, {@code batchSize} rows at a time (the last may be shorter). */
    Iterator<List<UserSequence>> batches(int batchSize);
}
