package dev.uqabench.data.csv;

import dev.uqabench.data.Catalog;
import dev.uqabench.data.CatalogItem;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.Event;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseFolder;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvImporterTest {

    @TempDir
    Path dir;

    /** Everything in the future file: no users held out, so pretrain_data_train holds every history. */
    static final DatasetInfo.Split SPLIT = new DatasetInfo.Split(0.25, 0.0, 4, 1);

    private Path file(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static List<UserSequence> read(Path file) {
        List<UserSequence> all = new ArrayList<>();
        ReleaseReader.open(file).batches(8).forEachRemaining(all::addAll);
        return all;
    }

    @Test
    void importsSortsByTimeAndDecodesTitles() throws Exception {
        Path clicks = file("clicks.csv", """
                user,item,timestamp,extra
                alice,i3,2024-01-03T10:00:00Z,x
                alice,i1,2024-01-01T10:00:00Z,x
                bob,i2,5,x
                alice,i2,2024-01-02,x
                bob,i1,1,x
                alice,i1,2024-01-04 09:30,x
                bob,i3,3,x
                bob,i3,9,x
                carol,i1,1,x
                """);
        Path items = file("items.csv", """
                item,title,category,brand
                i1,"Red Dress, cotton",Dress,Lumo
                i2,连衣裙 新款,连衣裙,
                i3,"He said \"\"hi\"\"",Misc,Lumo
                """);
        Path out = dir.resolve("out");
        DatasetInfo info = new CsvImporter(CsvImportOptions.of(clicks, items)).importTo(out, SPLIT);
        // carol has one click (< 4): dropped, and said so
        assertEquals(2, info.counts().users());
        assertTrue(info.warnings().contains("1 of 3 users had fewer than 4 events (min_events) and were left out"),
                info.warnings().toString());
        assertEquals(8, info.counts().events());
        assertEquals(4, info.tableSize(Table.ITEM));
        assertEquals(4, info.tableSize(Table.CATEGORY));
        assertEquals(2, info.tableSize(Table.BRAND));

        List<UserSequence> histories = read(out.resolve(ReleaseLayout.PRETRAIN_TRAIN));
        List<UserSequence> futures = read(out.resolve(ReleaseLayout.FUTURE));
        assertEquals(List.of("alice", "bob"), histories.stream().map(UserSequence::user).toList());
        Catalog catalog = Catalog.read(out.resolve(Catalog.FILE_NAME));
        try (TokenizerEventText text = ReleaseFolder.open(out, null, false).eventText()) {
            List<String> aliceTitles = new ArrayList<>();
            for (Event e : histories.get(0).events()) {
                aliceTitles.add(text.title(e));
            }
            futures.get(0).events().forEach(e -> aliceTitles.add(text.title(e)));
            assertEquals(List.of("Red Dress, cotton", "连衣裙 新款", "He said \"hi\"", "Red Dress, cotton"), aliceTitles);
            // bob: i1 at 1, i3 at 3, i2 at 5, i3 at 9 (numeric times)
            assertEquals(List.of(1L, 3L, 2L), histories.get(1).events().stream()
                    .map(e -> catalog.item(e.item()).orElseThrow().item()).toList());
            assertEquals("", text.brand(histories.get(1).events().get(2)));
        }
        assertEquals("Lumo", catalog.item(1).orElseThrow().brandName());
        // each dense id keeps the file's own id
        assertEquals(List.of("i1", "i2", "i3"), catalog.items().stream().map(CatalogItem::key).toList());
        assertEquals(0, catalog.item(2).orElseThrow().brand());
    }

    /** Clicks within one second keep their order whatever the date-time's form (the fraction was dropped without a zone). */
    @Test
    void clicksWithinOneSecondKeepTheirOrder() throws Exception {
        Path clicks = file("sub.csv", """
                user,item,timestamp
                u,b,2023-01-01T00:00:00.900
                u,a,2023-01-01T00:00:00.100
                u,c,2023-01-01T00:00:01
                u,d,2023-01-01T00:00:02
                u,e,2023-01-01T00:00:03
                v,b,2023-01-01 00:00:00.900
                v,a,2023-01-01 00:00:00.100
                v,c,2023-01-01 00:00:01
                v,d,2023-01-01 00:00:02
                v,e,2023-01-01 00:00:03
                """);
        Path out = dir.resolve("out");
        new CsvImporter(CsvImportOptions.of(clicks, null)).importTo(out, SPLIT);
        List<UserSequence> histories = read(out.resolve(ReleaseLayout.PRETRAIN_TRAIN));
        List<UserSequence> futures = read(out.resolve(ReleaseLayout.FUTURE));
        for (int u = 0; u < 2; u++) {
            List<Long> items = new ArrayList<>();
            histories.get(u).events().forEach(e -> items.add(e.item()));
            futures.get(u).events().forEach(e -> items.add(e.item()));
            // ids by first appearance: b 1, a 2, c 3, d 4, e 5; in time a comes first
            assertEquals(List.of(2L, 1L, 3L, 4L, 5L), items, histories.get(u).user());
        }
    }

    /** A row repeated exactly is a click of its own, and counted; the same item at another time is no repeat. */
    @Test
    void exactRepeatsAreKeptAndCounted() throws Exception {
        Path clicks = file("repeats.csv", """
                user,item,timestamp
                u,a,1
                u,b,2
                u,a,1
                u,c,2
                u,a,3
                u,b,2
                v,a,1
                """);
        Path out = dir.resolve("out");
        DatasetInfo info = new CsvImporter(CsvImportOptions.of(clicks, null)).importTo(out, SPLIT);
        assertEquals(6, info.counts().events());
        assertTrue(info.warnings().contains("2 of 7 clicks repeat an earlier click exactly (same user, item and time);"
                + " they are kept as clicks of their own (drop repeated rows before importing if they are double logging)"),
                info.warnings().toString());
    }

    @Test
    void tsvByExtension() throws Exception {
        Path clicks = file("clicks.tsv", "user\titem\ttimestamp\nu\ta\t1\nu\tb\t2\nu\tc\t3\nu\td\t4\n");
        DatasetInfo info = new CsvImporter(CsvImportOptions.of(clicks, null)).importTo(dir.resolve("out"), SPLIT);
        assertEquals(4, info.counts().events());
    }

    @Test
    void nonUtf8TextNamesFileAndLine() throws Exception {
        Path clicks = dir.resolve("latin1.csv");
        byte[] header = "user,item,timestamp\nu,a,1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bad = "u,caf\u00e9,2\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] all = new byte[header.length + bad.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(bad, 0, all, header.length, bad.length);
        Files.write(clicks, all);
        UqaException e = assertThrows(UqaException.class, () -> new CsvImporter(CsvImportOptions.of(clicks, null)).read());
        assertEquals(clicks + ", line 3: not valid UTF-8 text", e.getMessage());
    }

    @Test
    void rowWithTooFewColumns() throws Exception {
        Path clicks = file("clicks.csv", "user,item,timestamp\nu,a,1\nu,b\n");
        UqaException e = assertThrows(UqaException.class, () -> new CsvImporter(CsvImportOptions.of(clicks, null)).read());
        assertEquals(clicks + ", line 3: expected at least 3 columns (the header has 3), got 2", e.getMessage());
    }

    @Test
    void duplicateHeaders() throws Exception {
        Path clicks = file("clicks.csv", "user,item,user,timestamp\n");
        UqaException e = assertThrows(UqaException.class, () -> new CsvImporter(CsvImportOptions.of(clicks, null)).read());
        assertEquals(clicks + ", line 1: duplicate header 'user' (column names must be distinct)", e.getMessage());
    }

    @Test
    void missingColumnAndMissingFile() throws Exception {
        Path clicks = file("clicks.csv", "user,item,time\n");
        UqaException e = assertThrows(UqaException.class, () -> new CsvImporter(CsvImportOptions.of(clicks, null)).read());
        assertEquals(clicks + ": missing column 'timestamp' (timestamp); the header has [user, item, time]", e.getMessage());
        Path nowhere = dir.resolve("none.csv");
        e = assertThrows(UqaException.class, () -> new CsvImporter(CsvImportOptions.of(nowhere, null)).read());
        assertEquals(nowhere + ": file not found", e.getMessage());
    }

    @Test
    void badTimestamp() throws Exception {
        Path clicks = file("clicks.csv", "user,item,timestamp\nu,a,yesterday\n");
        UqaException e = assertThrows(UqaException.class, () -> new CsvImporter(CsvImportOptions.of(clicks, null)).read());
        assertEquals(clicks + ", line 2, column 'timestamp': expected a timestamp (a number or an ISO-8601 date/date-time), "
                + "got 'yesterday'", e.getMessage());
    }

    @Test
    void skipBadRowsReportsHowManyAndWhy() throws Exception {
        Path clicks = file("clicks.csv", "user,item,timestamp\nu,a,1\nu,b\n,c,3\nu,d,later\nu,e,5\nu,f,6\nu,g,7\n");
        var log = new CsvImporter(CsvImportOptions.of(clicks, null).withSkipBadRows(true)).read();
        assertEquals(4, log.clicks());
        assertEquals(3, log.skipped().total());
        assertEquals(Map.of("too few columns", 1L, "empty id", 1L, "bad timestamp", 1L), log.skipped().counts());
    }

    @Test
    void anItemRepeatedWithOtherAttributesIsABadRowAndAnIdenticalRepeatIsNot() throws Exception {
        Path clicks = file("clicks.csv", "user,item,timestamp\nu,i1,1\nu,i2,2\n");
        Path items = file("items.csv", "item,title,category\ni1,Red Dress,Dress\ni1,Red Dress,Dress\ni2,Hat,Misc\n"
                + "i1,Blue Coat,Coat\n");
        UqaException e = assertThrows(UqaException.class, () -> new CsvImporter(CsvImportOptions.of(clicks, items)).read());
        assertEquals(items + ", line 5: item 'i1' appears again with other attributes than an earlier row gave it (title "
                + "'Red Dress', category 'Dress'); give each item one row (--skip-bad-rows keeps the first)", e.getMessage());
        var log = new CsvImporter(CsvImportOptions.of(clicks, items).withSkipBadRows(true)).read();
        assertEquals(Map.of("item repeated with other attributes", 1L), log.skipped().counts());
    }

    @Test
    void failedImportLeavesNoReleaseFiles() throws Exception {
        Path clicks = file("clicks.csv", "user,item,timestamp\nu,a,1\nu,b,x\n");
        Path out = dir.resolve("out");
        assertThrows(UqaException.class, () -> new CsvImporter(CsvImportOptions.of(clicks, null)).importTo(out, SPLIT));
        assertFalse(Files.exists(out.resolve(DatasetInfo.FILE_NAME)));
        assertFalse(Files.exists(out.resolve(ReleaseLayout.PRETRAIN_TRAIN)));
    }

    @Test
    void timestampsParseNumbersAndDates() {
        assertEquals(1.5, Timestamps.parse("1.5"));
        assertEquals(1_704_067_200.0, Timestamps.parse("2024-01-01"));
        assertEquals(1_704_067_200.0 + 3600, Timestamps.parse("2024-01-01T01:00:00Z"));
        assertEquals(1_704_067_200.0 + 3600, Timestamps.parse("2024-01-01 01:00:00"));
        assertTrue(Timestamps.parse("2024-01-01T01:00:00+01:00") == 1_704_067_200.0);
        // fractions of a second in every form (they were dropped without a zone: clicks in one second became ties)
        double t = 1_704_067_200.0 + 3600;
        for (String text : List.of("2024-01-01T01:00:00.900Z", "2024-01-01T02:00:00.900+01:00", "2024-01-01T01:00:00.900",
                "2024-01-01 01:00:00.900", "2024-01-01 01:00:00.9", "2024-01-01 01:00:00.900000")) {
            assertEquals(t + 0.9, Timestamps.parse(text), 1e-6, text);
        }
        assertEquals(t + 0.123456, Timestamps.parse("2024-01-01 01:00:00.123456"), 1e-6);
        assertTrue(Timestamps.parse("2024-01-01T01:00:00.100") < Timestamps.parse("2024-01-01T01:00:00.900"));
        assertEquals(t + 60, Timestamps.parse("2024-01-01 01:01"));
        // the space form is as strict as the ISO one: no day moved into another
        for (String invalid : List.of("2023-02-30 10:00", "2024-01-01 24:00", "2023-02-30T10:00")) {
            assertThrows(IllegalArgumentException.class, () -> Timestamps.parse(invalid), invalid);
        }
    }

    @Test
    void aMinRatingThatDropsEveryInteractionNamesTheFileAndTheFlag() throws Exception {
        // issue 12: it failed as "csv:in.csv: no interactions to import", not saying why
        Path clicks = file("in.csv", "user,item,rating,timestamp\na,i1,3,1\na,i2,4,2\n");
        UqaException e = assertThrows(UqaException.class,
                () -> new CsvImporter(new CsvImportOptions(clicks, null, (char) 0, "user", "item", "timestamp", "item",
                        null, null, null, null, null, false, null, 5.0)).read());
        assertEquals(clicks + ": --min-rating 5 dropped all 2 interactions (every rating is below it); nothing would be imported",
                e.getMessage());
    }

    @Test
    void aMinRatingThatIsNotANumberIsRefused() {
        // issue 12: --min-rating NaN kept every row (every comparison with NaN is false)
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            UqaException e = assertThrows(UqaException.class, () -> new CsvImportOptions(dir.resolve("in.csv"), null, (char) 0,
                    "user", "item", "timestamp", "item", null, null, null, null, null, false, null, bad));
            assertEquals("--min-rating: expected a finite number, got " + bad, e.getMessage());
        }
        assertThrows(UqaException.class, () -> new dev.uqabench.data.recbole.RecBoleOptions(dir, null, "user_id", "item_id",
                "timestamp", "rating", Double.NaN, Map.of(), false));
    }
}
