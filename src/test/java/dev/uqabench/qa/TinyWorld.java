package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny catalog for tests: ids carried in the token lists and names looked up in arrays, so no
 * tokenizer is involved. Users click mostly within a few favourite categories, which makes
 * "most clicked" questions often (not always) unambiguous.
 */
public final class TinyWorld {

    public static final String[] CATEGORIES = {"女装", "男鞋", "零食", "手机", "美妆", "家电", "图书", "玩具", "运动", "厨具",
        "宠物", "母婴"};
    public static final String[] BRANDS = {"品牌甲", "品牌乙", "品牌丙", "品牌丁", "品牌戊", "品牌己", "品牌庚", "品牌辛"};
    public static final String[] SHOPS = {"旗舰店一", "旗舰店二", "专营店三", "专营店四", "小店五", "小店六"};

    /** Names from ids: title tokens hold the item id, the others hold the attribute id. */
    public static final EventText TEXT = (event, feature) -> switch (feature) {
        case TITLE_TOKENS -> "商品" + event.tokens()[0][0] + "号";
        case CATEGORY_TOKENS -> CATEGORIES[(int) event.tokens()[1][0]];
        case SHOP_TOKENS -> SHOPS[(int) event.tokens()[2][0]];
        case BRAND_TOKENS -> BRANDS[(int) event.tokens()[3][0]];
        case SELLER_TOKENS -> "卖家";
        default -> throw new IllegalArgumentException(feature.toString());
    };

    private TinyWorld() {
    }

    public static Event event(int item, int category, int brand, int shop) {
        return new Event(item, category, brand, shop, 0,
                new long[][] {{item}, {category}, {shop}, {brand}, {0}});
    }

    /** An item of a category; its brand and shop follow from the item id. */
    public static Event item(int category, int variant) {
        int item = category * 100 + variant;
        return event(item, category, item % BRANDS.length, (item / 3) % SHOPS.length);
    }

    public static UserSequence user(String name, Random rng) {
        int length = 35 + rng.nextInt(60);
        int[] favourites = {rng.nextInt(CATEGORIES.length), rng.nextInt(CATEGORIES.length), rng.nextInt(CATEGORIES.length)};
        List<Event> events = new ArrayList<>();
        int phase = 0;
        for (int i = 0; i < length; i++) {
            if (rng.nextInt(8) == 0) {
                phase = rng.nextInt(3);
            }
            int category = rng.nextInt(4) == 0 ? rng.nextInt(CATEGORIES.length) : favourites[phase];
            events.add(item(category, rng.nextInt(30)));
        }
        return new UserSequence(name, events);
    }

    public static List<UserSequence> users(int count, long seed) {
        Random rng = new Random(seed);
        List<UserSequence> users = new ArrayList<>();
        for (int u = 0; u < count; u++) {
            users.add(user("u" + u, rng));
        }
        return users;
    }

    public static AttributePool pool(List<UserSequence> users) {
        return AttributePool.of(users, TEXT, 200);
    }
}
