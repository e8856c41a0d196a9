package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.Feature;

/** The item attributes questions ask about (the paper's "features" beside the title). */
public enum Attribute {
    CATEGORY("类目", "category", Feature.CATEGORY, Feature.CATEGORY_TOKENS),
    BRAND("品牌", "brand", Feature.BRAND, Feature.BRAND_TOKENS),
    SHOP("店铺", "shop", Feature.SHOP, Feature.SHOP_TOKENS);

    private final String zh;
    private final String en;
    private final Feature idFeature;
    private final Feature textFeature;

    Attribute(String zh, String en, Feature idFeature, Feature textFeature) {
        this.zh = zh;
        this.en = en;
        this.idFeature = idFeature;
        this.textFeature = textFeature;
    }

    /** The attribute's name as written in a question. */
    public String label(Lang lang) {
        return lang == Lang.ZH ? zh : en;
    }

    public Feature idFeature() {
        return idFeature;
    }

    public Feature textFeature() {
        return textFeature;
    }

    /** The attribute's readable value for an event, stripped (blank when the text is missing). */
    public String of(Event event, EventText text) {
        String value = text.text(event, textFeature);
        return value == null ? "" : value.strip();
    }
}
