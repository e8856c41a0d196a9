package dev.uqabench.data.recbole;

import dev.uqabench.data.Catalog;
import dev.uqabench.data.CatalogItem;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecBoleImporterTest {

    @TempDir
    Path root;

    static final DatasetInfo.Split SPLIT = new DatasetInfo.Split(0.2, 0.0, 3, 1);

    private Path dataset(String inter, String item) throws Exception {
        Path dir = root.resolve("ml-tiny");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ml-tiny.inter"), inter);
        if (item != null) {
            Files.writeString(dir.resolve("ml-tiny.item"), item);
        }
        return dir;
    }

    static final String INTER = """
            user_id:token\titem_id:token\trating:float\ttimestamp:float
            1\t10\t4\t300
            1\t20\t5\t100
            1\t30\t1\t200
            1\t40\t5\t400
            2\t10\t3\t50
            2\t20\t4\t10
            2\t30\t5\t30
            3\t10\t5\t1
            """;
    static final String ITEM = """
            item_id:token\tmovie_title:token_seq\tgenre:token_seq\tyear:float
            10\tToy Story\tAnimation Comedy\t1995
            20\tHeat\tAction Crime\t1995
            30\t大闹天宫\tAnimation\t1961
            40\tCasino\tCrime Drama\t1995
            """;

    private static List<UserSequence> all(Path file) {
        List<UserSequence> rows = new ArrayList<>();
        ReleaseReader.open(file).batches(4).forEachRemaining(rows::addAll);
        return rows;
    }

    @Test
    void importsWithDefaultFieldNamesSortedByTimestamp() throws Exception {
        Path dir = dataset(INTER, ITEM);
        Path out = root.resolve("out");
        DatasetInfo info = new RecBoleImporter(RecBoleOptions.of(dir)).importTo(out, SPLIT);
        assertEquals("recbole:ml-tiny", info.source());
        assertEquals(2, info.counts().users());
        List<UserSequence> histories = all(out.resolve(ReleaseLayout.PRETRAIN_TRAIN));
        List<UserSequence> futures = all(out.resolve(ReleaseLayout.FUTURE));
        Catalog catalog = Catalog.read(out.resolve(Catalog.FILE_NAME));
        // user 1 by time: 20 (100), 30 (200), 10 (300) | 40 (400)
        assertEquals(List.of("Heat", "大闹天宫", "Toy Story"), histories.get(0).events().stream()
                .map(e -> catalog.item(e.item()).orElseThrow().title()).toList());
        assertEquals("Casino", catalog.item(futures.get(0).events().get(0).item()).orElseThrow().title());
        // genre (token_seq) -> category: its first token
        CatalogItem toyStory = catalog.items().stream().filter(i -> i.title().equals("Toy Story")).findFirst().orElseThrow();
        assertEquals("Animation", toyStory.categoryName());
        assertEquals(4, info.tableSize(dev.uqabench.data.Table.CATEGORY));
    }

    /** A token field is one token, spaces and all; only a token_seq gives its first (once "Apple Inc" became "Apple"). */
    @Test
    void aTokenFieldKeepsItsWholeValue() throws Exception {
        Path dir = dataset(INTER, """
                item_id:token\tbrand:token\tclass:token_seq
                10\tApple Inc\tAnimation Comedy
                20\tApple Records\tAction Crime
                30\tÜnïcödé Co\tAnimation
                40\tProcter & Gamble\tCrime Drama
                """);
        Path out = root.resolve("out");
        DatasetInfo info = new RecBoleImporter(RecBoleOptions.of(dir)).importTo(out, SPLIT);
        Catalog catalog = Catalog.read(out.resolve(Catalog.FILE_NAME));
        assertEquals(List.of("Apple Inc", "Apple Records", "Ünïcödé Co", "Procter & Gamble"),
                catalog.items().stream().map(CatalogItem::brandName).toList());
        assertEquals(4, info.tableSize(dev.uqabench.data.Table.BRAND) - 1, "four brands and the padding id");
        assertEquals(List.of("Animation", "Action", "Animation", "Crime"),
                catalog.items().stream().map(CatalogItem::categoryName).toList());
    }

    /** dataset.json names the file set read: the folder, and the dataset name when one was chosen. */
    @Test
    void theSourceNamesTheChosenDataset() throws Exception {
        Path dir = dataset(INTER, ITEM);
        Files.writeString(dir.resolve("b.inter"), INTER);
        RecBoleOptions chosen = new RecBoleOptions(dir, "b", "user_id", "item_id", "timestamp", "rating", null, Map.of(),
                false);
        assertEquals("recbole:ml-tiny/b", new RecBoleImporter(chosen).importTo(root.resolve("out"), SPLIT).source());
        RecBoleOptions same = new RecBoleOptions(dir, "ml-tiny", "user_id", "item_id", "timestamp", "rating", null,
                Map.of(), false);
        assertEquals("recbole:ml-tiny", new RecBoleImporter(same).source());
    }

    @Test
    void explicitMappingAndMinRating() throws Exception {
        Path dir = dataset(INTER, ITEM);
        RecBoleOptions options = RecBoleOptions.of(dir).withMapping(Map.of("brand", "year")).withMinRating(4.0);
        var log = new RecBoleImporter(options).read();
        assertEquals(6, log.clicks());
        Path out = root.resolve("out");
        log.write(out, "recbole:ml-tiny", SPLIT);
        Catalog catalog = Catalog.read(out.resolve(Catalog.FILE_NAME));
        assertEquals("1995", catalog.items().get(0).brandName());
    }

    @Test
    void aMappingFileThatIsNotYamlIsOneLineNamingTheLine() throws Exception {
        // issue 12: the parser's two-line message (with its source excerpt) reached stderr
        Path mapping = root.resolve("map.yaml");
        Files.writeString(mapping, "category: genre\n{{\n");
        UqaException e = assertThrows(UqaException.class, () -> RecBoleImporter.readMapping(mapping));
        assertTrue(e.getMessage().startsWith(mapping + ", line "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void mappingFileWithUnknownFeatureNamesIt() throws Exception {
        Path mapping = root.resolve("map.yaml");
        Files.writeString(mapping, "category: genre\ncolour: year\n");
        UqaException e = assertThrows(UqaException.class, () -> RecBoleImporter.readMapping(mapping));
        assertEquals(mapping + ": unknown feature 'colour' (expected one of [category, brand, shop, seller, title])", e.getMessage());
    }

    @Test
    void anItemRepeatedWithOtherAttributesIsNamed() throws Exception {
        Path dir = dataset(INTER, ITEM + "20\tHeat\tAction Crime\t1995\n20\tHeat 2\tDrama\t2025\n");
        UqaException e = assertThrows(UqaException.class, () -> new RecBoleImporter(RecBoleOptions.of(dir)).read());
        assertTrue(e.getMessage().startsWith(dir.resolve("ml-tiny.item") + ", line 7: item '20' appears again with other "
                + "attributes than an earlier row gave it (title 'Heat', category 'Action'"), e.getMessage());
    }

    @Test
    void mappedFieldMissingFromTheItemFile() throws Exception {
        Path dir = dataset(INTER, ITEM);
        RecBoleOptions options = RecBoleOptions.of(dir).withMapping(Map.of("shop", "studio"));
        UqaException e = assertThrows(UqaException.class, () -> new RecBoleImporter(options).read());
        assertEquals(dir.resolve("ml-tiny.item") + ": missing field 'studio' (mapped to shop); the file has fields "
                + "[item_id, movie_title, genre, year]", e.getMessage());
    }

    @Test
    void unknownFieldType() throws Exception {
        Path dir = dataset("user_id:token\titem_id:token\ttimestamp:date\n1\t2\t3\n", null);
        UqaException e = assertThrows(UqaException.class, () -> new RecBoleImporter(RecBoleOptions.of(dir)).read());
        assertEquals(dir.resolve("ml-tiny.inter") + ", line 1, column 'timestamp:date': unknown RecBole field type 'date' "
                + "(expected token, token_seq, float or float_seq)", e.getMessage());
    }

    @Test
    void duplicateFieldNames() throws Exception {
        Path dir = dataset("user_id:token\titem_id:token\titem_id:float\n1\t2\t3\n", null);
        UqaException e = assertThrows(UqaException.class, () -> new RecBoleImporter(RecBoleOptions.of(dir)).read());
        assertEquals(dir.resolve("ml-tiny.inter") + ", line 1: duplicate field 'item_id'", e.getMessage());
    }

    @Test
    void withoutATimestampFieldFileOrderIsTimeOrder() throws Exception {
        Path dir = dataset("user_id:token\titem_id:token\n1\tc\n1\ta\n1\tb\n", null);
        Path out = root.resolve("out");
        new RecBoleImporter(RecBoleOptions.of(dir)).importTo(out, SPLIT);
        Catalog catalog = Catalog.read(out.resolve(Catalog.FILE_NAME));
        // dense ids in order of first appearance: c=1, a=2, b=3; history c, a and future b
        assertEquals(List.of(1L, 2L), all(out.resolve(ReleaseLayout.PRETRAIN_TRAIN)).get(0).events().stream()
                .map(e -> e.item()).toList());
        assertEquals(3, catalog.size());
    }

    @Test
    void headerWithoutTypes() throws Exception {
        Path dir = dataset("user_id\titem_id\n1\t2\n", null);
        UqaException e = assertThrows(UqaException.class, () -> new RecBoleImporter(RecBoleOptions.of(dir)).read());
        assertEquals(dir.resolve("ml-tiny.inter") + ", line 1, column 'user_id': expected name:type (RecBole atomic header), "
                + "e.g. item_id:token", e.getMessage());
    }

    @Test
    void rowWithTooFewFieldsAndSkipping() throws Exception {
        Path dir = dataset("user_id:token\titem_id:token\ttimestamp:float\n1\t2\t3\n1\t5\n1\t6\t7\n", null);
        UqaException e = assertThrows(UqaException.class, () -> new RecBoleImporter(RecBoleOptions.of(dir)).read());
        assertEquals(dir.resolve("ml-tiny.inter") + ", line 3: expected at least 3 tab-separated fields (the header has 3), got 2",
                e.getMessage());
        var log = new RecBoleImporter(RecBoleOptions.of(dir).withSkipBadRows(true)).read();
        assertEquals(2, log.clicks());
        assertEquals(Map.of("too few columns", 1L), log.skipped().counts());
    }

    @Test
    void missingInterFile() throws Exception {
        Path dir = root.resolve("empty");
        Files.createDirectories(dir);
        UqaException e = assertThrows(UqaException.class, () -> new RecBoleImporter(RecBoleOptions.of(dir)).read());
        assertEquals(dir + ": missing file empty.inter (RecBole interactions, tab-separated with a name:type header)", e.getMessage());
    }

    @Test
    void usersBelowTheMinimumAreDropped() throws Exception {
        Path dir = dataset(INTER, ITEM);
        var log = new RecBoleImporter(RecBoleOptions.of(dir)).read();
        UqaException e = assertThrows(UqaException.class,
                () -> log.write(root.resolve("out"), "recbole:ml-tiny", new DatasetInfo.Split(0.2, 0.0, 50, 1)));
        assertEquals("recbole:ml-tiny: every user has fewer than 50 events; nothing to write", e.getMessage());
    }
}
