package dev.uqabench.data;

/**
 * The embedding tables of the UQABench release. Five id tables and one shared table for all
 * BPE token features; default embedding widths follow the reference ({@code config.py}).
 */
public enum Table {
    ITEM("item_id", 128),
    CATEGORY("cate_id", 64),
    BRAND("brand_id", 64),
    SHOP("shop_id", 64),
    SELLER("seller_id", 64),
    TOKENS("bpe_tokens", 64);

    private final String key;
    private final int defaultEmbeddingDim;

    Table(String key, int defaultEmbeddingDim) {
        this.key = key;
        this.defaultEmbeddingDim = defaultEmbeddingDim;
    }

    /** Name used in {@code dataset.json} and in the reference code. */
    public String key() {
        return key;
    }

    public int defaultEmbeddingDim() {
        return defaultEmbeddingDim;
    }
}
