package dev.uqabench.pretrain;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether embedding tables are sized to the ids that occur in the data ({@link dev.uqabench.encoder.TableRows}). */
public enum CompactTables {
    /** Compact a table when fewer than half of its catalogue's ids occur (a large catalogue, a small log). */
    @JsonProperty("auto") AUTO,
    /** Compact every table. */
    @JsonProperty("always") ALWAYS,
    /** Keep every table at the catalogue's size (row = id). */
    @JsonProperty("never") NEVER
}
