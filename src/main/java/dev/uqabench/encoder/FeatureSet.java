package dev.uqabench.encoder;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uqabench.data.Feature;
import dev.uqabench.data.Table;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which event features feed the encoder: the input ablation of the UQABench paper (ids only,
 * plus side information, plus title/name text tokens). The reference uses all of them. Config files
 * spell the constants in lower case ({@code feature_set: id_only}).
 */
public enum FeatureSet {
    /** The item id alone. */
    @JsonProperty("id_only") ID_ONLY(List.of(Feature.ITEM)),
    /** Item, category, brand, shop and seller ids. */
    @JsonProperty("side_info") SIDE_INFO(List.of(Feature.ITEM, Feature.CATEGORY, Feature.BRAND, Feature.SHOP, Feature.SELLER)),
    /** The side information plus the five token features (the reference setting). */
    @JsonProperty("text") TEXT(List.of(Feature.values()));

    private final List<Feature> features;

    FeatureSet(List<Feature> features) {
        this.features = features;
    }

    /** Features in concatenation order (the release column order). */
    public List<Feature> features() {
        return features;
    }

    /** Tables these features read; {@link Table#TOKENS} is shared by all text features. */
    public Set<Table> tables() {
        EnumSet<Table> tables = EnumSet.noneOf(Table.class);
        features.forEach(f -> tables.add(f.table()));
        return tables;
    }

    /** Width of the concatenated bag outputs (704 for {@link #TEXT} with the default widths). */
    public int concatenatedWidth() {
        return features.stream().mapToInt(f -> f.table().defaultEmbeddingDim()).sum();
    }
}
