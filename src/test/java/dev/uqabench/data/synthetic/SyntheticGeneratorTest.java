package dev.uqabench.data.synthetic;

import dev.uqabench.base.ConfigException;
import dev.uqabench.data.Catalog;
import dev.uqabench.data.CatalogItem;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.Event;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReadOptions;
import dev.uqabench.data.arrow.ReleaseFolderWriter;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.text.TokenizerEventText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticGeneratorTest {

    @TempDir
    Path dir;

    static final SyntheticConfig SMALL = SyntheticConfig.quickstart().withUsers(300).withCatalog(400, 20, 40, 60, 60);

    static List<UserSequence> readAll(Path file, ReadOptions options) {
        List<UserSequence> all = new ArrayList<>();
        ReleaseReader.open(file, options).batches(64).forEachRemaining(all::addAll);
        return all;
    }

    @Test
    void writesTheReleaseLayoutWithIdsInsideTheDeclaredTables() {
        DatasetInfo info = new SyntheticGenerator(SMALL).generate(dir);
        assertEquals(info, DatasetInfo.read(dir));
        ReadOptions strict = new ReadOptions(false, info.tableSizesByTable());
        List<UserSequence> train = readAll(dir.resolve(ReleaseLayout.PRETRAIN_TRAIN), strict);
        List<UserSequence> eval = readAll(dir.resolve(ReleaseLayout.PRETRAIN_EVAL), strict);
        List<UserSequence> future = readAll(dir.resolve(ReleaseLayout.FUTURE), strict);
        assertEquals(SMALL.users(), train.size() + eval.size());
        double expected = SMALL.heldOutUserFraction() * SMALL.users();
        assertTrue(Math.abs(eval.size() - expected) < 0.1 * SMALL.users(),
                "about " + SMALL.heldOutUserFraction() + " of the users held out, got " + eval.size());
        assertEquals(SMALL.users(), future.size());
        Map<String, UserSequence> futures = new HashMap<>();
        future.forEach(f -> futures.put(f.user(), f));
        long events = 0;
        List<UserSequence> histories = new ArrayList<>(train);
        histories.addAll(eval);
        for (UserSequence history : histories) {
            UserSequence later = futures.get(history.user());
            int total = history.length() + later.length();
            assertTrue(total >= SMALL.minSequenceLength() && total <= SMALL.maxSequenceLength());
            assertEquals(ReleaseFolderWriter.futureLength(total, SMALL.futureFraction()), later.length());
            events += total;
        }
        assertEquals(info.counts().events(), events);
        assertEquals(info.tableSize(Table.ITEM), SMALL.items() + 1);
    }

    @Test
    void tokenIdsDecodeToTheCatalogNames() {
        new SyntheticGenerator(SMALL).generate(dir);
        Catalog catalog = Catalog.read(dir.resolve(Catalog.FILE_NAME));
        assertEquals(SMALL.items(), catalog.size());
        try (TokenizerEventText text = TokenizerEventText.open(dir)) {
            for (UserSequence user : readAll(dir.resolve(ReleaseLayout.PRETRAIN_TRAIN), ReadOptions.STRICT).subList(0, 20)) {
                for (Event event : user.events()) {
                    CatalogItem item = catalog.item(event.item()).orElseThrow();
                    assertEquals(item.category(), event.category());
                    assertEquals(item.title(), text.title(event));
                    assertEquals(item.categoryName(), text.category(event));
                    assertEquals(item.brandName(), text.brand(event));
                    assertEquals(item.shopName(), text.shop(event));
                    int words = item.title().split(" ").length;
                    assertTrue(words >= 2 && words <= 4 + 1, "title of 2-4 words: " + item.title());
                }
            }
        }
        // Chinese by default: category names are 2-3 Han characters
        catalog.names(dev.uqabench.data.Feature.CATEGORY).values()
                .forEach(name -> assertTrue(name.matches("\\p{IsHan}{2,3}"), name));
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        new SyntheticGenerator(SMALL).generate(dir.resolve("a"));
        new SyntheticGenerator(SMALL).generate(dir.resolve("b"));
        new SyntheticGenerator(SMALL.withSeed(7)).generate(dir.resolve("c"));
        Path name = Path.of(ReleaseLayout.PRETRAIN_TRAIN);
        List<UserSequence> a = readAll(dir.resolve("a").resolve(name), ReadOptions.STRICT);
        assertEquals(a, readAll(dir.resolve("b").resolve(name), ReadOptions.STRICT));
        assertNotEquals(a, readAll(dir.resolve("c").resolve(name), ReadOptions.STRICT));
    }

    @Test
    void usersHaveLearnableStructure() {
        new SyntheticGenerator(SMALL).generate(dir);
        double topShare = 0;
        double repeats = 0;
        double sameCategoryAsPrevious = 0;
        List<UserSequence> users = readAll(dir.resolve(ReleaseLayout.PRETRAIN_TRAIN), ReadOptions.STRICT);
        for (UserSequence user : users) {
            Map<Long, Integer> perCategory = new HashMap<>();
            Set<Long> seen = new HashSet<>();
            int repeated = 0;
            int same = 0;
            long previous = -1;
            for (Event e : user.events()) {
                perCategory.merge(e.category(), 1, Integer::sum);
                repeated += seen.add(e.item()) ? 0 : 1;
                same += e.category() == previous ? 1 : 0;
                previous = e.category();
            }
            topShare += perCategory.values().stream().mapToInt(Integer::intValue).max().orElse(0) / (double) user.length();
            repeats += repeated / (double) user.length();
            sameCategoryAsPrevious += same / (double) user.length();
        }
        int n = users.size();
        // long-term preference: the favourite category takes far more than the 1/20 of a uniform user
        assertTrue(topShare / n > 0.3, "mean top-category share " + topShare / n);
        // short-term sessions: consecutive clicks mostly stay in one category
        assertTrue(sameCategoryAsPrevious / n > 0.5, "mean same-category rate " + sameCategoryAsPrevious / n);
        assertTrue(repeats / n > 0.05, "mean repeat rate " + repeats / n);
    }

    @Test
    void englishNamesWhenAsked() {
        new SyntheticGenerator(SMALL.withLang("en")).generate(dir);
        Catalog catalog = Catalog.read(dir.resolve(Catalog.FILE_NAME));
        assertTrue(catalog.items().get(0).title().matches("[A-Za-z ]+"), catalog.items().get(0).title());
    }

    @Test
    void invalidConfigNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SyntheticConfig.quickstart().withSequenceLengths(1, 10));
        assertEquals("synthetic config: invalid value at 'min_sequence_length': must be >= 2 (one history and one future "
                + "event), got 1", e.getMessage());
        assertThrows(ConfigException.class, () -> SyntheticConfig.quickstart().withLang("fr"));
    }
}
