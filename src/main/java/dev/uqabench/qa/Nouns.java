package dev.uqabench.qa;

import dev.uqabench.data.DatasetInfo;
import dev.uqabench.base.ConfigException;
import dev.uqabench.base.UqaException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The words questions use for the item and its attributes, so that a film log is asked about
 * films and genres, not products and shops. English questions use all four; zh questions keep
 * 商品 for the item (the reference scorer's sub-task phrases contain it, see {@link ReferenceRules})
 * and translate the attribute nouns they know (genre: 类型), keeping the default label otherwise.
 *
 * @param item     e.g. "item", "film"
 * @param category e.g. "category", "genre"
 * @param brand    e.g. "brand"
 * @param shop     e.g. "shop"
 */
public record Nouns(String item, String category, String brand, String shop) {

    private static final Pattern NOUN = Pattern.compile("[a-z][a-z' -]{0,29}");
    /** zh labels of the attribute nouns we know; others keep {@link Attribute#label}. */
    private static final Map<String, String> ZH = Map.of(
            "category", "类目", "genre", "类型", "brand", "品牌", "shop", "店铺", "store", "店铺",
            "seller", "卖家", "label", "厂牌", "publisher", "出版社", "studio", "制片公司", "artist", "艺人");
    /** item, category, brand, shop (declared after the constants its constructor checks with). */
    public static final Nouns DEFAULT = new Nouns("item", "category", "brand", "shop");

    public Nouns {
        item = check("item", item);
        category = check("category", category);
        brand = check("brand", brand);
        shop = check("shop", shop);
    }

    /** The defaults with the given keys (item, category, brand, shop) replaced; an unknown key is an error naming it. */
    public static Nouns of(Map<String, String> nouns) {
        Map<String, String> all = new LinkedHashMap<>(DEFAULT.toMap());
        for (Map.Entry<String, String> noun : nouns.entrySet()) {
            if (!all.containsKey(noun.getKey())) {
                throw new UqaException("nouns: unknown key '" + noun.getKey() + "' (expected one of "
                        + DatasetInfo.NOUN_KEYS + ")");
            }
            all.put(noun.getKey(), noun.getValue());
        }
        return new Nouns(all.get("item"), all.get("category"), all.get("brand"), all.get("shop"));
    }

    /** The nouns a data folder's {@code dataset.json} declares, defaults for the rest. */
    public static Nouns of(DatasetInfo info) {
        return of(info.nounMap());
    }

    /** The nouns of a data folder: its {@code dataset.json}'s, or the defaults where it has none (the release). */
    public static Nouns ofDataFolder(java.nio.file.Path folder) {
        return java.nio.file.Files.isRegularFile(folder.resolve(dev.uqabench.data.arrow.ReleaseLayout.DATASET_JSON))
                ? of(DatasetInfo.read(folder)) : DEFAULT;
    }

    /** All four, by key. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("item", item);
        map.put("category", category);
        map.put("brand", brand);
        map.put("shop", shop);
        return map;
    }

    /** The attribute's English noun. */
    public String en(Attribute attribute) {
        return switch (attribute) {
            case CATEGORY -> category;
            case BRAND -> brand;
            case SHOP -> shop;
        };
    }

    /** The attribute's name as written in a question of that language. */
    public String label(Attribute attribute, Lang lang) {
        return lang == Lang.ZH ? ZH.getOrDefault(en(attribute), attribute.label(Lang.ZH)) : en(attribute);
    }

    /** English plural: category -> categories, box -> boxes, film -> films. */
    public static String plural(String noun) {
        if (noun.matches(".*[^aeiou]y")) {
            return noun.substring(0, noun.length() - 1) + "ies";
        }
        if (noun.matches(".*(s|x|z|ch|sh)")) {
            return noun + "es";
        }
        return noun + "s";
    }

    private static String check(String key, String noun) {
        if (noun == null || !NOUN.matcher(noun).matches()) {
            throw new ConfigException("nouns", key, "expected a lower-case English noun (letters, space, hyphen,"
                    + " apostrophe; at most 30 characters), got '" + noun + "'");
        }
        return noun;
    }
}
