package dev.uqabench.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * One item of a catalog: its ids in the five id tables and the text its token ids encode.
 * Id 0 means unknown (the padding row of every table), as in the Taobao tables. An imported log's item also keeps
 * {@code key}, the id the source file gave it (absent for synthetic data), so that a user can trace a dense id back.
 */
public record CatalogItem(
        @JsonProperty(value = "item", required = true) long item,
        @JsonProperty(value = "category", required = true) long category,
        @JsonProperty(value = "brand", required = true) long brand,
        @JsonProperty(value = "shop", required = true) long shop,
        @JsonProperty(value = "seller", required = true) long seller,
        @JsonProperty(value = "title", required = true) String title,
        @JsonProperty(value = "category_name", required = true) String categoryName,
        @JsonProperty(value = "brand_name", required = true) String brandName,
        @JsonProperty(value = "shop_name", required = true) String shopName,
        @JsonProperty(value = "seller_name", required = true) String sellerName,
        @JsonProperty("key") @JsonInclude(JsonInclude.Include.NON_NULL) String key) {

    /** An item without a source id (synthetic data). */
    public CatalogItem(long item, long category, long brand, long shop, long seller, String title, String categoryName,
                       String brandName, String shopName, String sellerName) {
        this(item, category, brand, shop, seller, title, categoryName, brandName, shopName, sellerName, null);
    }

    public CatalogItem {
        if (item < 1) {
            throw new IllegalArgumentException("item id must be >= 1, got " + item);
        }
        if (category < 0 || brand < 0 || shop < 0 || seller < 0) {
            throw new IllegalArgumentException("item " + item + ": ids must be >= 0");
        }
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(categoryName, "category_name");
        Objects.requireNonNull(brandName, "brand_name");
        Objects.requireNonNull(shopName, "shop_name");
        Objects.requireNonNull(sellerName, "seller_name");
    }

    /** The text behind one text feature. */
    public String text(Feature textFeature) {
        return switch (textFeature) {
            case TITLE_TOKENS -> title;
            case CATEGORY_TOKENS -> categoryName;
            case BRAND_TOKENS -> brandName;
            case SHOP_TOKENS -> shopName;
            case SELLER_TOKENS -> sellerName;
            default -> throw new IllegalArgumentException(textFeature + " is an id feature, not text");
        };
    }

    /** The id of one id feature. */
    public long id(Feature idFeature) {
        return switch (idFeature) {
            case ITEM -> item;
            case CATEGORY -> category;
            case BRAND -> brand;
            case SHOP -> shop;
            case SELLER -> seller;
            default -> throw new IllegalArgumentException(idFeature + " is a token feature, not an id");
        };
    }
}
