package dev.uqabench.data;

import dev.uqabench.base.JsonlFiles;

import dev.uqabench.base.Json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.uqabench.base.UqaException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The items of a data set with their attribute ids and names; {@code catalog.jsonl}, one
 * {@link CatalogItem} per line. Question builders use it to name options and draw distractors.
 */
public final class Catalog {

    public static final String FILE_NAME = "catalog.jsonl";

    private static final ObjectMapper JSON = Json.rows();
    /** Unknown keys refused; every key {@link CatalogItem} marks required must be there ({@code key} is optional). */
    private static final ObjectReader ITEM = JSON.readerFor(CatalogItem.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final List<CatalogItem> items;
    private final Map<Long, CatalogItem> byItem = new HashMap<>();
    private final Map<Feature, Map<Long, String>> names = new EnumMap<>(Feature.class);

    public Catalog(Collection<CatalogItem> items) {
        this.items = List.copyOf(items);
        for (Feature feature : List.of(Feature.CATEGORY, Feature.BRAND, Feature.SHOP, Feature.SELLER)) {
            names.put(feature, new HashMap<>());
        }
        for (CatalogItem item : this.items) {
            if (byItem.put(item.item(), item) != null) {
                throw new IllegalArgumentException("duplicate item id " + item.item());
            }
            names.get(Feature.CATEGORY).putIfAbsent(item.category(), item.categoryName());
            names.get(Feature.BRAND).putIfAbsent(item.brand(), item.brandName());
            names.get(Feature.SHOP).putIfAbsent(item.shop(), item.shopName());
            names.get(Feature.SELLER).putIfAbsent(item.seller(), item.sellerName());
        }
    }

    public List<CatalogItem> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public Optional<CatalogItem> item(long id) {
        return Optional.ofNullable(byItem.get(id));
    }

    /** Name of a category, brand, shop or seller id (empty when no item carries it). */
    public Optional<String> name(Feature idFeature, long id) {
        Map<Long, String> table = names.get(idFeature);
        if (table == null) {
            throw new IllegalArgumentException(idFeature + " has no names (expected CATEGORY, BRAND, SHOP or SELLER)");
        }
        return Optional.ofNullable(table.get(id));
    }

    /** All ids of a category, brand, shop or seller table that some item carries, with their names. */
    public Map<Long, String> names(Feature idFeature) {
        return Map.copyOf(names.get(idFeature));
    }

    /** Writes {@code catalog.jsonl} atomically. */
    public void write(Path file) {
        JsonlFiles.writeAtomically(file, out -> {
            for (CatalogItem item : items) {
                out.write(JSON.writeValueAsString(item));
                out.write('\n');
            }
        });
    }

    public static Catalog read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UqaException(file + ": file not found");
        }
        List<CatalogItem> items = JsonlFiles.lines(file, (line, number) -> {
            try {
                return ITEM.readValue(line);
            } catch (JsonProcessingException e) {
                Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : null;
                throw new UqaException(file + ", line " + number + ": "
                        + (cause != null ? cause.getMessage() : e.getOriginalMessage()), e);
            }
        });
        try {
            return new Catalog(items);
        } catch (IllegalArgumentException e) {
            throw new UqaException(file + ": " + e.getMessage(), e);
        }
    }
}
