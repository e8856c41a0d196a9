package dev.uqabench.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How {@link LazyAdamW} keeps the second moment of an embedding table: one per weight, as AdamW, or one per row, as
 * the row-wise optimizers of recommendation systems (fbgemm's partial row-wise Adam: the first moment stays per
 * weight). Row-wise state is a third smaller: weights, first moment and a column of second moments instead of three
 * full copies of the table.
 */
public enum TableMoments {
    /** A second moment per weight (AdamW). */
    @JsonProperty("full") FULL,
    /** A second moment per row: the running mean over the row's squared gradient entries. */
    @JsonProperty("row") ROW
}
