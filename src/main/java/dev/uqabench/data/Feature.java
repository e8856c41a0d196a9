package dev.uqabench.data;

/**
 * The ten per-event features of the UQABench release, in the column order of the release files.
 * Each is an Arrow {@code list<list<int64>>}: one inner list per event (one id for the id
 * features, the BPE token ids for the text features).
 */
public enum Feature {
    ITEM("uni_seq_item_id", Table.ITEM, Kind.ID),
    CATEGORY("uni_seq_cate_id", Table.CATEGORY, Kind.ID),
    BRAND("uni_seq_brand_id", Table.BRAND, Kind.ID),
    SHOP("uni_seq_shop_id", Table.SHOP, Kind.ID),
    SELLER("uni_seq_seller_id", Table.SELLER, Kind.ID),
    TITLE_TOKENS("uni_seq_title_bpe_token_ids", Table.TOKENS, Kind.TEXT),
    CATEGORY_TOKENS("uni_seq_cate_bpe_token_ids", Table.TOKENS, Kind.TEXT),
    SHOP_TOKENS("uni_seq_shop_bpe_token_ids", Table.TOKENS, Kind.TEXT),
    BRAND_TOKENS("uni_seq_brand_bpe_token_ids", Table.TOKENS, Kind.TEXT),
    SELLER_TOKENS("uni_seq_seller_bpe_token_ids", Table.TOKENS, Kind.TEXT);

    /** Whether a feature is the item id, a side-information id or title/name text tokens. */
    public enum Kind { ID, TEXT }

    private final String column;
    private final Table table;
    private final Kind kind;

    Feature(String column, Table table, Kind kind) {
        this.column = column;
        this.table = table;
        this.kind = kind;
    }

    /** Column name in the release Arrow files. */
    public String column() {
        return column;
    }

    public Table table() {
        return table;
    }

    public Kind kind() {
        return kind;
    }

    public static Feature byColumn(String column) {
        for (Feature f : values()) {
            if (f.column.equals(column)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown feature column '" + column + "'");
    }
}
