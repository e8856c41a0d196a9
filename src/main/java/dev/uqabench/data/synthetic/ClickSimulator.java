package dev.uqabench.data.synthetic;

import dev.uqabench.data.Catalog;
import dev.uqabench.data.CatalogItem;
import dev.uqabench.data.Event;
import dev.uqabench.data.text.CatalogTokens;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How a synthetic user clicks: long-term favourite categories and brands, short sessions that
 * drift between categories, repeat clicks of recent items, Zipf item popularity, and for half of
 * the users a new favourite category part-way through (the signal of the interest-trajectory
 * questions).
 */
final class ClickSimulator {

    static final double MEAN_SESSION = 6.0;
    static final double FAVOURITE_SESSION = 0.8;
    static final double DRIFT = 0.15;
    static final double REPEAT = 0.1;
    static final double FAVOURITE_BRAND = 0.5;
    static final int RECENT = 20;

    private final SyntheticConfig config;
    private final Event[] events;
    /** Per category (0-based): its item ids and cumulative popularity. */
    private final int[][] categoryItems;
    private final double[][] categoryCumulative;
    private final double[] categoryCumulativeAll;
    /** Per category and brand: item ids and cumulative popularity, for favourite-brand clicks. */
    private final Map<Long, int[]> brandItems = new HashMap<>();
    private final Map<Long, double[]> brandCumulative = new HashMap<>();
    private final int[][] brandsOfCategory;

    ClickSimulator(SyntheticConfig config, Catalog catalog, CatalogTokens tokens, Random random) {
        this.config = config;
        int items = catalog.size();
        events = new Event[items + 1];
        // popularity: Zipf over a random ranking of the items
        double[] popularity = new double[items + 1];
        int[] rank = new int[items];
        for (int i = 0; i < items; i++) {
            rank[i] = i;
        }
        for (int i = items - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[j];
            rank[j] = t;
        }
        List<List<Integer>> byCategory = new ArrayList<>();
        for (int c = 0; c < config.categories(); c++) {
            byCategory.add(new ArrayList<>());
        }
        Map<Long, List<Integer>> byBrand = new HashMap<>();
        for (CatalogItem item : catalog.items()) {
            int id = (int) item.item();
            events[id] = tokens.event(item);
            popularity[id] = 1.0 / Math.pow(rank[id - 1] + 1, SyntheticGenerator.ITEM_ZIPF);
            byCategory.get((int) item.category() - 1).add(id);
            byBrand.computeIfAbsent(key(item.category() - 1, item.brand()), k -> new ArrayList<>()).add(id);
        }
        categoryItems = new int[config.categories()][];
        categoryCumulative = new double[config.categories()][];
        double[] categoryTotals = new double[config.categories()];
        List<List<Integer>> brands = new ArrayList<>();
        for (int c = 0; c < config.categories(); c++) {
            categoryItems[c] = byCategory.get(c).stream().mapToInt(Integer::intValue).toArray();
            categoryCumulative[c] = cumulative(categoryItems[c], popularity);
            categoryTotals[c] = categoryCumulative[c][categoryCumulative[c].length - 1];
            brands.add(new ArrayList<>());
        }
        List<Long> keys = new ArrayList<>(byBrand.keySet());
        keys.sort(null);
        for (long key : keys) {
            int[] ids = byBrand.get(key).stream().mapToInt(Integer::intValue).toArray();
            brandItems.put(key, ids);
            brandCumulative.put(key, cumulative(ids, popularity));
            brands.get((int) (key >>> 32)).add((int) key);
        }
        brandsOfCategory = new int[config.categories()][];
        for (int c = 0; c < config.categories(); c++) {
            brandsOfCategory[c] = brands.get(c).stream().mapToInt(Integer::intValue).toArray();
        }
        categoryCumulativeAll = cumulative(categoryTotals);
    }

    /** One user's full click sequence, oldest first. */
    List<Event> sequence(Random random) {
        int length = logUniform(config.minSequenceLength(), config.maxSequenceLength(), random);
        int favourites = Math.min(config.categories(), 2 + random.nextInt(3));
        int[] favourite = new int[favourites];
        double[] weight = new double[favourites];
        int[] favouriteBrand = new int[favourites];
        for (int f = 0; f < favourites; f++) {
            favourite[f] = newCategory(favourite, f, random);
            weight[f] = (f == 0 ? 2.0 : 0.5) + random.nextDouble();
            favouriteBrand[f] = pickBrand(favourite[f], random);
        }
        int shiftAt = random.nextDouble() < 0.5 ? (int) (length * (0.4 + 0.4 * random.nextDouble())) : -1;
        int[] recent = new int[RECENT];
        List<Event> out = new ArrayList<>(length);
        while (out.size() < length) {
            int session = 1 + (int) (-Math.log(1 - random.nextDouble()) * MEAN_SESSION);
            int current = random.nextDouble() < FAVOURITE_SESSION ? favourite[sample(weight, random)] : popularCategory(random);
            for (int s = 0; s < session && out.size() < length; s++) {
                if (out.size() == shiftAt) {
                    // a new interest replaces the weakest favourite and becomes the strongest
                    int weakest = argMin(weight);
                    favourite[weakest] = newCategory(favourite, favourites, random);
                    weight[weakest] = Arrays.stream(weight).max().orElse(1.0) + 1.0;
                    favouriteBrand[weakest] = pickBrand(favourite[weakest], random);
                    current = favourite[weakest];
                } else if (s > 0 && random.nextDouble() < DRIFT) {
                    current = random.nextDouble() < FAVOURITE_SESSION ? favourite[sample(weight, random)] : popularCategory(random);
                }
                int item;
                int seen = Math.min(out.size(), RECENT);
                int favouriteIndex = indexOf(favourite, current);
                if (seen > 0 && random.nextDouble() < REPEAT) {
                    item = recent[random.nextInt(seen)];
                } else if (favouriteIndex >= 0 && favouriteBrand[favouriteIndex] > 0 && random.nextDouble() < FAVOURITE_BRAND) {
                    long key = key(current, favouriteBrand[favouriteIndex]);
                    item = brandItems.get(key)[draw(brandCumulative.get(key), random)];
                } else {
                    item = categoryItems[current][draw(categoryCumulative[current], random)];
                }
                recent[out.size() % RECENT] = item;
                out.add(events[item]);
            }
        }
        return out;
    }

    /** A category not among the first {@code filled} favourites, drawn by popularity. */
    private int newCategory(int[] favourite, int filled, Random random) {
        for (int attempt = 0; ; attempt++) {
            int c = attempt < 50 ? popularCategory(random) : random.nextInt(config.categories());
            boolean taken = false;
            for (int f = 0; f < Math.min(filled, favourite.length); f++) {
                taken |= favourite[f] == c;
            }
            if (!taken || config.categories() <= filled) {
                return c;
            }
        }
    }

    private int popularCategory(Random random) {
        return draw(categoryCumulativeAll, random);
    }

    /** A brand with items in category {@code c} (0 when none is chosen). */
    private int pickBrand(int c, Random random) {
        int[] brands = brandsOfCategory[c];
        return brands.length == 0 || random.nextDouble() < 0.3 ? 0 : brands[random.nextInt(brands.length)];
    }

    private static long key(long category, long brand) {
        return (category << 32) | brand;
    }

    private static int logUniform(int min, int max, Random random) {
        double x = Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max + 1.0) - Math.log(min)));
        return Math.max(min, Math.min(max, (int) x));
    }

    private static double[] cumulative(int[] ids, double[] weights) {
        double[] out = new double[ids.length];
        double sum = 0;
        for (int i = 0; i < ids.length; i++) {
            sum += weights[ids[i]];
            out[i] = sum;
        }
        return out;
    }

    private static double[] cumulative(double[] weights) {
        double[] out = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            out[i] = sum;
        }
        return out;
    }

    /** Index drawn proportionally from a cumulative weight array (binary search). */
    private static int draw(double[] cumulative, Random random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, u);
        i = i >= 0 ? i + 1 : -i - 1;
        return Math.min(i, cumulative.length - 1);
    }

    private static int sample(double[] weights, Random random) {
        return SyntheticGenerator.sample(weights, random);
    }

    private static int argMin(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
