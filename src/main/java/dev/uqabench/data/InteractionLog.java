package dev.uqabench.data;

import dev.uqabench.data.arrow.BadRows;
import dev.uqabench.data.arrow.ReleaseFolderWriter;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseWriter;
import dev.uqabench.data.text.CatalogTokens;
import dev.uqabench.data.text.WordTokenizerBuilder;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An imported click log (RecBole, CSV) on its way to the release layout. String ids become dense
 * ids from 1; item names and titles get token ids from a word-level tokenizer built over them; each
 * user's clicks are sorted by time (ties keep file order) and split like the synthetic data.
 * Clicks are held as primitive arrays (16 bytes each), not objects.
 */
public final class InteractionLog {

    /** Raw attribute text of an item; null or empty means unknown. */
    public record ItemText(String category, String brand, String shop, String seller, String title) {
    }

    private final IdMap users = new IdMap();
    private final IdMap items = new IdMap();
    private final List<ItemText> itemTexts = new ArrayList<>();
    private int[] clickUser = new int[1 << 16];
    private int[] clickItem = new int[1 << 16];
    private double[] clickTime = new double[1 << 16];
    private int clicks;
    private final BadRows skipped = new BadRows();
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, String> nouns = new LinkedHashMap<>();

    /**
     * Declares an item's attributes (items file); a repeat of the same attributes changes nothing. Returns the
     * attributes an earlier row gave the item when they differ from {@code text} (which is then not kept: the caller
     * reports the row), else null.
     */
    public ItemText addItem(String key, ItemText text) {
        int id = items.id(key);
        while (itemTexts.size() < id) {
            itemTexts.add(null);
        }
        ItemText earlier = itemTexts.get(id - 1);
        if (earlier == null) {
            itemTexts.set(id - 1, text);
            return null;
        }
        return earlier.equals(text) ? null : earlier;
    }

    public void addClick(String user, String item, double time) {
        if (clicks == clickUser.length) {
            int capacity = clicks * 2;
            clickUser = Arrays.copyOf(clickUser, capacity);
            clickItem = Arrays.copyOf(clickItem, capacity);
            clickTime = Arrays.copyOf(clickTime, capacity);
        }
        clickUser[clicks] = users.id(user);
        clickItem[clicks] = items.id(item);
        clickTime[clicks] = time;
        clicks++;
    }

    public int clicks() {
        return clicks;
    }

    public int users() {
        return users.size();
    }

    public int items() {
        return items.size();
    }

    /** Adds a warning for dataset.json and stderr (e.g. ratings read as clicks). */
    public void warn(String warning) {
        warnings.add(warning);
    }

    /** Warnings so far (the tied-timestamp one is added by {@link #write}). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Declares the noun questions use for {@code key} (item, category, brand, shop); a later call replaces it. */
    public void noun(String key, String noun) {
        nouns.put(key, noun);
    }

    public Map<String, String> nouns() {
        return Map.copyOf(nouns);
    }

    /**
     * Clicks in a tie (a user's clicks at one time: their order is file order, so "next click" and position questions
     * are partly arbitrary), and clicks that repeat an earlier click exactly (same user, item and time), as a log that
     * recorded one click twice has them; repeats are kept as clicks of their own.
     */
    private record Ties(long tied, long repeats) {
    }

    /** {@link Ties} of clicks in {@code order} ({@link #byUserThenTime}): one pass, each tie's items sorted once. */
    private Ties ties(int[] order) {
        long tied = 0;
        long repeats = 0;
        for (int start = 0; start < clicks; ) {
            int end = start + 1;
            while (end < clicks && sameUserAndTime(order[start], order[end])) {
                end++;
            }
            if (end - start > 1) {
                tied += end - start;
                int[] items = new int[end - start];
                for (int i = start; i < end; i++) {
                    items[i - start] = clickItem[order[i]];
                }
                Arrays.sort(items);
                for (int i = 1; i < items.length; i++) {
                    if (items[i] == items[i - 1]) {
                        repeats++;
                    }
                }
            }
            start = end;
        }
        return new Ties(tied, repeats);
    }

    private boolean sameUserAndTime(int a, int b) {
        return clickUser[a] == clickUser[b] && clickTime[a] == clickTime[b];
    }

    /** Bad input rows the importer skipped ({@code --skip-bad-rows}). */
    public BadRows skipped() {
        return skipped;
    }

    /**
     * Writes the release-layout folder: pretrain/future Arrow files, catalog.jsonl, tokenizer.json
     * and, last, dataset.json with the warnings (tied timestamps, the importer's) and nouns.
     */
    public DatasetInfo write(Path directory, String source, DatasetInfo.Split split) {
        if (clicks == 0) {
            throw new UqaException(source + ": no interactions to import");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UqaException("cannot create " + directory + ": " + e.getMessage(), e);
        }
        IdMap categories = new IdMap();
        IdMap brands = new IdMap();
        IdMap shops = new IdMap();
        IdMap sellers = new IdMap();
        List<CatalogItem> catalogItems = new ArrayList<>(items.size());
        for (int id = 1; id <= items.size(); id++) {
            ItemText text = id <= itemTexts.size() && itemTexts.get(id - 1) != null ? itemTexts.get(id - 1)
                    : new ItemText(null, null, null, null, null);
            catalogItems.add(new CatalogItem(id, categories.id(text.category()), brands.id(text.brand()),
                    shops.id(text.shop()), sellers.id(text.seller()), orEmpty(text.title()), orEmpty(text.category()),
                    orEmpty(text.brand()), orEmpty(text.shop()), orEmpty(text.seller()), items.key(id)));
        }
        Catalog catalog = new Catalog(catalogItems);
        Path tokenizerFile = directory.resolve(ReleaseLayout.TOKENIZER_JSON);
        Map<String, Integer> vocabulary = WordTokenizerBuilder.write(CatalogTokens.corpus(catalog), tokenizerFile);
        CatalogTokens tokens = CatalogTokens.encode(catalog, tokenizerFile);
        catalog.write(directory.resolve(Catalog.FILE_NAME));
        Event[] events = new Event[items.size() + 1];
        for (CatalogItem item : catalogItems) {
            events[(int) item.item()] = tokens.event(item);
        }

        int[] order = byUserThenTime();
        Ties ties = ties(order);
        long trainUsers;
        long evalUsers;
        long written;
        long keptUsers;
        try (ReleaseFolderWriter out = new ReleaseFolderWriter(directory, split.futureFraction(),
                split.heldOutUserFraction(), split.minEvents(), new Random(split.seed()), ReleaseWriter.DEFAULT_BATCH_ROWS)) {
            int start = 0;
            while (start < clicks) {
                int user = clickUser[order[start]];
                int end = start;
                List<Event> sequence = new ArrayList<>();
                while (end < clicks && clickUser[order[end]] == user) {
                    sequence.add(events[clickItem[order[end]]]);
                    end++;
                }
                out.add(new UserSequence(users.key(user), sequence));
                start = end;
            }
            out.commit();
            trainUsers = out.trainUsers();
            evalUsers = out.evalUsers();
            written = out.events();
            keptUsers = trainUsers + evalUsers;
        }
        if (keptUsers == 0) {
            throw new UqaException(source + ": every user has fewer than " + split.minEvents() + " events; nothing to write");
        }
        Map<Table, Long> sizes = new EnumMap<>(Table.class);
        sizes.put(Table.ITEM, items.size() + 1L);
        sizes.put(Table.CATEGORY, categories.size() + 1L);
        sizes.put(Table.BRAND, brands.size() + 1L);
        sizes.put(Table.SHOP, shops.size() + 1L);
        sizes.put(Table.SELLER, sellers.size() + 1L);
        sizes.put(Table.TOKENS, (long) vocabulary.size());
        List<String> notes = new ArrayList<>();
        String tied = ImportNotes.tiedWarning((double) ties.tied() / clicks);
        if (tied != null) {
            notes.add(tied);
        }
        String repeats = ImportNotes.repeatsWarning(ties.repeats(), clicks);
        if (repeats != null) {
            notes.add(repeats);
        }
        notes.addAll(warnings);
        long droppedUsers = users.size() - keptUsers;
        if (droppedUsers > 0) {
            notes.add(droppedUsers + " of " + users.size() + " users had fewer than " + split.minEvents()
                    + " events (min_events) and were left out");
        }
        DatasetInfo info = new DatasetInfo(source, DatasetInfo.byKey(sizes),
                DatasetInfo.TokenizerInfo.of("word-level", tokenizerFile, ReleaseLayout.TOKENIZER_JSON),
                new DatasetInfo.Counts(keptUsers, items.size(), written, trainUsers, evalUsers), split, notes,
                nouns.isEmpty() ? null : nouns);
        info.write(directory);
        return info;
    }

    /** Click indices grouped by user (users in order of first appearance), each user's clicks by time then file order. */
    private int[] byUserThenTime() {
        int[] start = new int[users.size() + 2];
        for (int c = 0; c < clicks; c++) {
            start[clickUser[c] + 1]++;
        }
        for (int u = 1; u < start.length; u++) {
            start[u] += start[u - 1];
        }
        int[] order = new int[clicks];
        int[] next = Arrays.copyOf(start, start.length);
        for (int c = 0; c < clicks; c++) {
            order[next[clickUser[c]]++] = c;
        }
        for (int u = 1; u <= users.size(); u++) {
            sortByTime(order, start[u], start[u + 1]);
        }
        return order;
    }

    /** Sorts {@code order[from, to)} by click time; stable (TimSort), so equal times keep file order. */
    private void sortByTime(int[] order, int from, int to) {
        Integer[] slice = new Integer[to - from];
        for (int i = from; i < to; i++) {
            slice[i - from] = order[i];
        }
        Arrays.sort(slice, (a, b) -> Double.compare(clickTime[a], clickTime[b]));
        for (int i = from; i < to; i++) {
            order[i] = slice[i - from];
        }
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
