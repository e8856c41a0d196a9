package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.Feature;
import dev.uqabench.data.UserSequence;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttributePoolTest {

    private static UserSequence user(String name, int... categories) {
        List<Event> events = new ArrayList<>();
        for (int c : categories) {
            events.add(TinyWorld.event(c * 10, c, c % 2, 0));
        }
        return new UserSequence(name, events);
    }

    @Test
    void namesAreOrderedByClicksOverAllUsersAndOnlyKeptIdsAreDecoded() {
        List<UserSequence> users = List.of(user("a", 3, 3, 1, 5), user("b", 3, 1, 7), user("c", 3, 2));
        Map<Feature, Integer> decoded = new HashMap<>();
        EventText counting = (event, feature) -> {
            decoded.merge(feature, 1, Integer::sum);
            return TinyWorld.TEXT.text(event, feature);
        };
        AttributePool pool = AttributePool.of(users, counting, 3);
        // category 3: 4 clicks, 1: 2 clicks, then 2/5/7 with one click each: lowest id wins the tie
        assertEquals(List.of("手机", "男鞋", "零食"), pool.popular(Attribute.CATEGORY));
        assertEquals(List.of("商品30号", "商品10号", "商品20号"), pool.popularTitles());
        assertEquals(List.of("品牌乙", "品牌甲"), pool.popular(Attribute.BRAND), "only two brands exist");
        assertEquals(3, decoded.get(Feature.CATEGORY_TOKENS), "one decode per kept category");
        assertEquals(3, decoded.get(Feature.TITLE_TOKENS));
    }

    @Test
    void cachedTextDecodesEachIdOnce() {
        Map<Feature, Integer> decoded = new HashMap<>();
        EventText counting = (event, feature) -> {
            decoded.merge(feature, 1, Integer::sum);
            return TinyWorld.TEXT.text(event, feature);
        };
        CachedEventText cached = new CachedEventText(counting, 100);
        for (int i = 0; i < 50; i++) {
            Event event = TinyWorld.item(i % 3, i % 2);
            assertEquals(TinyWorld.TEXT.category(event), cached.category(event));
            assertEquals(TinyWorld.TEXT.title(event), cached.title(event));
        }
        assertEquals(3, decoded.get(Feature.CATEGORY_TOKENS));
        assertEquals(6, decoded.get(Feature.TITLE_TOKENS));
        CachedEventText small = new CachedEventText(counting, 1);
        small.category(TinyWorld.item(0, 0));
        small.category(TinyWorld.item(1, 0));
        small.category(TinyWorld.item(0, 0));
        assertTrue(decoded.get(Feature.CATEGORY_TOKENS) == 6, "capacity 1 forgets the older id");
    }
}
