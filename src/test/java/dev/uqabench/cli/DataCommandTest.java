package dev.uqabench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ChatText;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseWriter;
import dev.uqabench.data.synthetic.SyntheticConfig;
import dev.uqabench.data.synthetic.SyntheticGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataCommandTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    /** Runs {@code uqabench data ...} through Main: a user error is "error: message" and exit code 2. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] command = Stream.concat(Stream.of("data"), Stream.of(args)).toArray(String[]::new);
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), command);
        return new Result(code, out.toString(), err.toString());
    }

    private Path synthetic() {
        Path data = dir.resolve("synthetic");
        new SyntheticGenerator(SyntheticConfig.quickstart().withUsers(120).withCatalog(200, 10, 20, 30, 30)).generate(data);
        return data;
    }

    @Test
    void statsAsJsonAgreeWithTheData() throws Exception {
        Path data = synthetic();
        Result result = run("stats", data.toString(), "--json");
        assertEquals(0, result.code(), result.err());
        JsonNode stats = new ObjectMapper().readTree(result.out());
        DatasetInfo info = DatasetInfo.read(data);
        assertEquals(120, stats.get("users").asLong());
        long futureEvents = stats.get("files").get(ReleaseLayout.FUTURE).get("events").asLong();
        assertEquals(info.counts().events(), stats.get("events").asLong() + futureEvents);
        stats.get("max_ids").fields().forEachRemaining(e ->
                assertTrue(e.getValue().asLong() < stats.get("table_sizes").get(e.getKey()).asLong(), e.getKey()));
        JsonNode length = stats.get("files").get(ReleaseLayout.PRETRAIN_TRAIN).get("length");
        assertTrue(length.get("min").asDouble() <= length.get("p50").asDouble()
                && length.get("p50").asDouble() <= length.get("p99").asDouble()
                && length.get("p99").asDouble() <= length.get("max").asDouble());

        Result table = run("stats", data.toString());
        assertTrue(table.out().contains("users 120,"), table.out());
        assertTrue(table.out().contains("uni_seq_item_id"), table.out());
    }

    /** Ids beyond their tables: the table shows OUT OF RANGE and the command exits 2 naming the columns. */
    @Test
    void idsOutOfTheirTablesFailTheStats() throws Exception {
        Path data = synthetic();
        Path info = data.resolve("dataset.json");
        String json = Files.readString(info);
        Files.writeString(info, json.replaceFirst("\"cate_id\"\\s*:\\s*\\d+", "\"cate_id\" : 2"));
        Result result = run("stats", data.toString());
        assertEquals(2, result.code(), result.err());
        assertTrue(result.out().contains("OUT OF RANGE"), result.out());
        assertTrue(result.err().contains(": ids out of their tables in ") && result.err().contains("cate_id"), result.err());
        // issue 12: the message names the file and row of the first id beyond its table
        assertTrue(result.err().matches("(?s)error: .*uni_seq_cate_id \\(max id \\d+, table size 2; first: "
                + "pretrain_data_train\\.arrow, row \\d+, event \\d+: id \\d+\\).*\n"), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
    }

    @Test
    void statsRefuseAFolderThatIsNotARelease() throws Exception {
        // issue 12: a folder holding only some release files (a qa folder, a half-copied release) was described, exit 0
        Path data = synthetic();
        Files.delete(data.resolve(ReleaseLayout.PRETRAIN_TRAIN));
        Result result = run("stats", data.toString());
        assertEquals(2, result.code(), result.err());
        assertEquals("error: " + data.resolve(ReleaseLayout.PRETRAIN_TRAIN) + ": file not found (a release-layout folder holds "
                + "pretrain_data_train.arrow and pretrain_data_eval.arrow)\n", result.err());
    }

    @Test
    void questionsPerSubtaskFromTheColumnOrTheReferenceRules() {
        Path data = synthetic();
        UserSequence user = ReleaseReader.open(data.resolve(ReleaseLayout.PRETRAIN_TRAIN)).batches(1).next().get(0);
        try (ReleaseWriter out = ReleaseWriter.create(data.resolve(ReleaseLayout.ALIGN_TRAIN), true, 16)) {
            out.write(user, new ChatText("Q1", "A"), "df");
            out.write(user, new ChatText("Q2", "B"), "df");
            out.write(user, new ChatText("Q3", "C"), "it");
            out.commit();
        }
        // release-like: the sub-task is only in the question text
        try (ReleaseWriter out = ReleaseWriter.create(data.resolve(ReleaseLayout.ALIGN_EVAL), true, 16)) {
            out.write(user, new ChatText("用户近期最感兴趣的类目是？ A. x B. y C. z D. w", "A"));
            out.write(user, new ChatText("用户下一个可能点击的商品的品牌是？ A. x B. y C. z D. w", "B"));
            out.commit();
        }
        Result result = run("stats", data.toString(), "--json");
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().contains("\"align_data_train.arrow\" : {\n      \"df\" : 2,\n      \"it\" : 1"), result.out());
        assertTrue(result.out().contains("\"align_data_eval.arrow\" : {\n      \"ap\" : 1,\n      \"si\" : 1"), result.out());
    }

    @Test
    void aQuestionNoRuleMatchesIsAnErrorNamingTheRow() {
        Path data = synthetic();
        UserSequence user = ReleaseReader.open(data.resolve(ReleaseLayout.PRETRAIN_TRAIN)).batches(1).next().get(0);
        try (ReleaseWriter out = ReleaseWriter.create(data.resolve(ReleaseLayout.ALIGN_EVAL), true, 16)) {
            out.write(user, new ChatText("用户近期最感兴趣的类目是？", "A"));
            out.write(user, new ChatText("What is the weather?", "B"));
            out.commit();
        }
        Result result = run("stats", data.toString());
        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("error: " + data.resolve(ReleaseLayout.ALIGN_EVAL) + ", row 1, column 'text': "),
                result.err());
    }

    @Test
    void importCsvWritesTheLayoutAndRefusesToOverwrite() throws Exception {
        Path clicks = dir.resolve("clicks.csv");
        StringBuilder csv = new StringBuilder("uid,iid,ts\n");
        for (int u = 0; u < 5; u++) {
            for (int t = 0; t < 8; t++) {
                csv.append("user").append(u).append(",item").append((u + t) % 7).append(',').append(t).append('\n');
            }
        }
        Files.writeString(clicks, csv);
        Path out = dir.resolve("imported");
        String[] args = {"import", "csv", "--interactions", clicks.toString(), "--user-col", "uid", "--item-col", "iid",
                "--time-col", "ts", "--out", out.toString(), "--held-out-fraction", "0.2"};
        Result result = run(args);
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().startsWith("wrote " + out + ": 5 users"), result.out());
        for (String name : List.of(ReleaseLayout.PRETRAIN_TRAIN, ReleaseLayout.PRETRAIN_EVAL, ReleaseLayout.FUTURE,
                ReleaseLayout.TOKENIZER_JSON, DatasetInfo.FILE_NAME, "catalog.jsonl")) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        }
        Result again = run(args);
        assertEquals(2, again.code());
        assertEquals("error: " + out + ": already exists and is not empty (choose another --out, or --force)\n", again.err());
    }

    @Test
    void failedImportLeavesNothingBehind() throws Exception {
        Path clicks = dir.resolve("clicks.csv");
        Files.writeString(clicks, "user,item,timestamp\nu,a,1\nu,b\n");
        Path out = dir.resolve("imported");
        Result result = run("import", "csv", "--interactions", clicks.toString(), "--out", out.toString());
        assertEquals(2, result.code());
        assertEquals("error: " + clicks + ", line 3: expected at least 3 columns (the header has 3), got 2\n", result.err());
        try (Stream<Path> listing = Files.list(dir)) {
            assertEquals(List.of(clicks), listing.toList());
        }
        Result skipping = run("import", "csv", "--interactions", clicks.toString(), "--out", out.toString(),
                "--skip-bad-rows", "--min-events", "2");
        assertEquals(2, skipping.code());
        assertEquals("error: csv:clicks.csv: every user has fewer than 2 events; nothing to write\n", skipping.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void importRecBoleWithMappingFlagsAndFile() throws Exception {
        Path atomic = dir.resolve("books");
        Files.createDirectories(atomic);
        StringBuilder inter = new StringBuilder("user_id:token\titem_id:token\ttimestamp:float\n");
        for (int u = 0; u < 4; u++) {
            for (int t = 0; t < 6; t++) {
                inter.append('u').append(u).append("\tb").append((u * 2 + t) % 5).append('\t').append(100 - t).append('\n');
            }
        }
        Files.writeString(atomic.resolve("books.inter"), inter);
        Files.writeString(atomic.resolve("books.item"), "item_id:token\tbook_title:token_seq\tsubject:token_seq\tpublisher:token\n"
                + "b0\tThe Hobbit\tFantasy Classic\tAllen\nb1\t三体\tSciFi\tChongqing\nb2\tDune\tSciFi\tChilton\n"
                + "b3\tEmma\tRomance\tMurray\nb4\tUlysses\tModernist Classic\tShakespeare\n");
        Path mapping = dir.resolve("mapping.yaml");
        Files.writeString(mapping, "title: book_title\ncategory: subject\n");
        Path out = dir.resolve("imported");
        Result result = run("import", "recbole", atomic.toString(), "--mapping", mapping.toString(),
                "--map", "brand=publisher", "--out", out.toString(), "--held-out-fraction", "0");
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().startsWith("wrote " + out + ": 4 users (4 train, 0 held out), 5 items, 24 events"), result.out());
        assertTrue(result.out().contains("no rows skipped"), result.out());
        var catalog = dev.uqabench.data.Catalog.read(out.resolve("catalog.jsonl"));
        var hobbit = catalog.items().stream().filter(i -> i.title().equals("The Hobbit")).findFirst().orElseThrow();
        assertEquals("Fantasy", hobbit.categoryName());
        assertEquals("Allen", hobbit.brandName());

        Result unknownFeature = run("import", "recbole", atomic.toString(), "--map", "genre=subject", "--out",
                dir.resolve("other").toString());
        assertEquals(2, unknownFeature.code());
        assertEquals("error: --map: unknown feature 'genre' (expected one of [category, brand, shop, seller, title])\n",
                unknownFeature.err());
    }

    @Test
    void invalidSplitOptionNamesTheFlag() throws Exception {
        Path clicks = dir.resolve("clicks.csv");
        Files.writeString(clicks, "user,item,timestamp\nu,a,1\n");
        Result result = run("import", "csv", "--interactions", clicks.toString(), "--out", dir.resolve("o").toString(),
                "--future-fraction", "1.5");
        assertEquals(2, result.code());
        assertEquals("error: --future-fraction must be in (0, 1), got 1.5\n", result.err());
    }

    @Test
    void synthLogBadOptionsFailNamingTheOptionAndWriteNothing() {
        String[][] cases = {{"--users", "0"}, {"--items", "5"}, {"--format", "xml"}};
        String[] expected = {"error: --users: expected 1 to 1000000, got 0",
            "error: --items: expected 40 to 10000000 (a user rates at least 20 distinct films), got 5",
            "error: --format: expected recbole or csv, got 'xml'"};
        for (int i = 0; i < cases.length; i++) {
            Path out = dir.resolve("bad" + i);
            Result result = run("synth-log", cases[i][0], cases[i][1], "-o", out.toString());
            assertEquals(2, result.code(), result.err());
            assertEquals(expected[i], result.err().strip());
            assertFalse(Files.exists(out));
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void synthLogThenImportWarnsOnStderrAndStatsRepeatsTheWarnings() {
        Path files = dir.resolve("films");
        Result made = run("synth-log", "--users", "60", "--items", "120", "--seed", "3", "-o", files.toString());
        assertEquals(0, made.code(), made.err());
        assertTrue(made.out().contains("60 users, 120 films"), made.out());
        Path data = dir.resolve("data");
        Result imported = run("import", "recbole", files.toString(), "-o", data.toString(), "--noun", "brand=studio");
        assertEquals(0, imported.code(), imported.err());
        assertTrue(imported.err().contains("warning: the interactions carry a rating field 'rating': every rating is treated"
                + " as a click"), imported.err());
        assertTrue(imported.err().contains("of the clicks read share a timestamp with another click of the same user"), imported.err());
        assertEquals(java.util.Map.of("item", "film", "category", "genre", "brand", "studio"),
                DatasetInfo.read(data).nounMap());
        Result stats = run("stats", data.toString());
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.err().contains("warning: the interactions carry a rating field"), stats.err());

        Result badNoun = run("import", "recbole", files.toString(), "-o", dir.resolve("x").toString(), "--noun", "size=big");
        assertEquals(2, badNoun.code());
        assertEquals("error: --noun: unknown key 'size' (expected one of [item, category, brand, shop])", badNoun.err().strip());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    private List<String> leftovers() {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
