package dev.uqabench.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Click counts of every title, category, brand and shop name over the pretraining users, and each
 * title's first-seen item (for its category and brand). Built from data the question generator also
 * sees, so "pick the most popular option" is a solver any model could learn without the user.
 */
public final class Catalogue {

    private final Map<String, Map<String, Long>> counts = new HashMap<>();
    private final Map<String, Click> items = new HashMap<>();

    public Catalogue() {
        for (String attribute : Click.ATTRIBUTES) {
            counts.put(attribute, new HashMap<>());
        }
    }

    public static Catalogue of(List<List<Click>> users) {
        Catalogue catalogue = new Catalogue();
        users.forEach(catalogue::addUser);
        return catalogue;
    }

    public void addUser(List<Click> clicks) {
        for (Click click : clicks) {
            for (String attribute : Click.ATTRIBUTES) {
                String name = click.get(attribute);
                if (!name.isEmpty()) {
                    counts.get(attribute).merge(name, 1L, Long::sum);
                }
            }
            items.putIfAbsent(click.title(), click);
        }
    }

    /** Clicks on a name under one attribute (0 when never clicked). */
    public long count(String attribute, String name) {
        Map<String, Long> byName = counts.get(attribute);
        return byName == null ? 0 : byName.getOrDefault(name, 0L);
    }

    /** Clicks on a name under whichever non-title attribute it matches (the most clicked if several). */
    public long attributeCount(String name) {
        return Math.max(count("category", name), Math.max(count("brand", name), count("shop", name)));
    }

    /** The attribute whose names contain all the given names, or null. Titles are tried last. */
    public String attributeOfAll(List<String> names) {
        for (String attribute : new String[]{"category", "brand", "shop", "title"}) {
            if (names.stream().allMatch(n -> counts.get(attribute).containsKey(n))) {
                return attribute;
            }
        }
        return null;
    }

    /** A click carrying this title (the first seen), or null. */
    public Click item(String title) {
        return items.get(title);
    }
}
