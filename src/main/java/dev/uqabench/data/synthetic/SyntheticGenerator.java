package dev.uqabench.data.synthetic;

import dev.uqabench.data.Catalog;
import dev.uqabench.data.CatalogItem;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.Event;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseFolderWriter;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseWriter;
import dev.uqabench.data.text.CatalogTokens;
import dev.uqabench.data.text.WordTokenizerBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Taobao-like data set with structure a user encoder can learn, written in the release layout.
 *
 * <p>Catalog: categories with Zipf-skewed sizes; each brand belongs mostly to one category and
 * sells through a few shops; each shop has one seller; titles are 2-4 space-separated words
 * (brand, adjectives, category), as Taobao titles are; item popularity is Zipf.
 *
 * <p>Users ({@link ClickSimulator}): long-term preferences over a few categories and brands,
 * short-term sessions that drift from category to category, repeat clicks, and for half of the
 * users a new interest that appears part-way (an interest trajectory). Lengths are log-uniform
 * between the configured bounds. Each sequence is split in time into history and future.
 *
 * <p>Everything comes from one {@link Random} seeded with {@link SyntheticConfig#seed()}: the
 * same config gives byte-identical token ids and sequences.
 */
public final class SyntheticGenerator {

    /** Zipf exponents: item popularity, category sizes, brand choice within a category. */
    static final double ITEM_ZIPF = 1.0;
    static final double CATEGORY_ZIPF = 0.8;

    private final SyntheticConfig config;

    public SyntheticGenerator(SyntheticConfig config) {
        this.config = config;
    }

    /** Writes the data set into {@code directory}; {@code dataset.json} is written last. */
    public DatasetInfo generate(Path directory) {
        Random random = new Random(config.seed());
        Catalog catalog = catalog(random);
        Path tokenizerFile = directory.resolve(ReleaseLayout.TOKENIZER_JSON);
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new dev.uqabench.base.UqaException("cannot create " + directory + ": " + e.getMessage(), e);
        }
        Map<String, Integer> vocabulary = WordTokenizerBuilder.write(CatalogTokens.corpus(catalog), tokenizerFile);
        CatalogTokens tokens = CatalogTokens.encode(catalog, tokenizerFile);
        catalog.write(directory.resolve(Catalog.FILE_NAME));

        ClickSimulator users = new ClickSimulator(config, catalog, tokens, random);
        long events;
        long trainUsers;
        long evalUsers;
        try (ReleaseFolderWriter out = new ReleaseFolderWriter(directory, config.futureFraction(),
                config.heldOutUserFraction(), config.minSequenceLength(), random, ReleaseWriter.DEFAULT_BATCH_ROWS)) {
            for (int u = 0; u < config.users(); u++) {
                List<Event> clicks = users.sequence(random);
                out.add(new UserSequence("u" + (u + 1), clicks));
            }
            out.commit();
            events = out.events();
            trainUsers = out.trainUsers();
            evalUsers = out.evalUsers();
        }

        Map<Table, Long> sizes = new EnumMap<>(Table.class);
        sizes.put(Table.ITEM, config.items() + 1L);
        sizes.put(Table.CATEGORY, config.categories() + 1L);
        sizes.put(Table.BRAND, config.brands() + 1L);
        sizes.put(Table.SHOP, config.shops() + 1L);
        sizes.put(Table.SELLER, config.sellers() + 1L);
        sizes.put(Table.TOKENS, (long) vocabulary.size());
        DatasetInfo info = new DatasetInfo("synthetic(" + config.lang() + ")", DatasetInfo.byKey(sizes),
                DatasetInfo.TokenizerInfo.of("word-level", tokenizerFile, ReleaseLayout.TOKENIZER_JSON),
                new DatasetInfo.Counts(config.users(), config.items(), events, trainUsers, evalUsers),
                new DatasetInfo.Split(config.futureFraction(), config.heldOutUserFraction(), config.minSequenceLength(),
                        config.seed()));
        info.write(directory);
        return info;
    }

    /** The item catalog, ids from 1; names in the configured language. */
    Catalog catalog(Random random) {
        int language = "zh".equals(config.lang()) ? 0 : 1;
        int categories = config.categories();
        double[] categoryWeights = zipfWeights(categories, CATEGORY_ZIPF);

        List<String[]> brandNames = NameBank.madeUpNames(config.brands(), random);
        List<String[]> shopNames = NameBank.madeUpNames(config.shops(), random);
        List<String[]> sellerNames = NameBank.madeUpNames(config.sellers(), random);

        // each brand sells mainly in one category
        List<List<Integer>> brandsOfCategory = new ArrayList<>();
        for (int c = 0; c < categories; c++) {
            brandsOfCategory.add(new ArrayList<>());
        }
        for (int b = 1; b <= config.brands(); b++) {
            brandsOfCategory.get(sample(categoryWeights, random)).add(b);
        }
        // each brand sells through a few shops
        Map<Integer, List<Integer>> shopsOfBrand = new HashMap<>();
        for (int s = 1; s <= config.shops(); s++) {
            shopsOfBrand.computeIfAbsent(1 + random.nextInt(config.brands()), k -> new ArrayList<>()).add(s);
        }

        List<CatalogItem> items = new ArrayList<>(config.items());
        for (int i = 1; i <= config.items(); i++) {
            // the first items cover every category once, so none is empty
            int c = i <= categories ? i - 1 : sample(categoryWeights, random);
            List<Integer> categoryBrands = brandsOfCategory.get(c);
            int brand = categoryBrands.isEmpty() || random.nextDouble() < 0.05
                    ? 1 + random.nextInt(config.brands())
                    : categoryBrands.get(zipfIndex(categoryBrands.size(), random));
            List<Integer> brandShops = shopsOfBrand.get(brand);
            int shop = brandShops == null ? 1 + random.nextInt(config.shops()) : brandShops.get(random.nextInt(brandShops.size()));
            int seller = 1 + (shop - 1) % config.sellers();
            String category = NameBank.category(c)[language];
            String brandName = brandNames.get(brand - 1)[language];
            String shopName = shopNames.get(shop - 1)[language]
                    + (language == 0 ? "" : " ") + NameBank.SHOP_SUFFIXES[shop % NameBank.SHOP_SUFFIXES.length][language];
            String sellerName = sellerNames.get(seller - 1)[language];
            items.add(new CatalogItem(i, c + 1, brand, shop, seller, title(brandName, category, language, random),
                    category, brandName, shopName, sellerName));
        }
        return new Catalog(items);
    }

    /** Brand, zero to two adjectives, category: 2-4 words separated by spaces. */
    private static String title(String brand, String category, int language, Random random) {
        List<String> words = new ArrayList<>(4);
        words.add(brand);
        int adjectives = random.nextInt(3);
        int first = random.nextInt(NameBank.ADJECTIVES.length);
        for (int a = 0; a < adjectives; a++) {
            words.add(NameBank.ADJECTIVES[(first + 7 * a) % NameBank.ADJECTIVES.length][language]);
        }
        words.add(category);
        return String.join(" ", words);
    }

    /** Weights 1/rank^s, in rank order. */
    static double[] zipfWeights(int n, double exponent) {
        double[] weights = new double[n];
        for (int r = 0; r < n; r++) {
            weights[r] = 1.0 / Math.pow(r + 1, exponent);
        }
        return weights;
    }

    /** An index drawn with probability proportional to {@code weights} (linear: for short arrays). */
    static int sample(double[] weights, Random random) {
        double total = Arrays.stream(weights).sum();
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** A Zipf-distributed index in [0, n): lower indices are more likely. */
    static int zipfIndex(int n, Random random) {
        // inverse transform of the continuous 1/x law on [1, n+1): cheap, no table per call site
        double x = Math.exp(random.nextDouble() * Math.log(n + 1.0));
        return Math.min(n - 1, (int) x - 1);
    }
}
