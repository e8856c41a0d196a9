package dev.uqabench.data.arrow;

import dev.uqabench.data.Feature;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad release file gets a message naming file, row and column; never a crash. */
class ReleaseReaderBadInputTest {

    @TempDir
    Path dir;

    private Path write(RawArrow raw) throws Exception {
        Path file = dir.resolve("bad.arrow");
        raw.write(file);
        return file;
    }

    private static String readError(Path file, ReadOptions options) {
        return assertThrows(UqaException.class, () -> ReleaseReader.open(file, options).readAll()).getMessage();
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.arrow");
        assertEquals(file + ": file not found", readError(file, ReadOptions.STRICT));
    }

    @Test
    void missingColumn() throws Exception {
        RawArrow raw = RawArrow.valid(2, 3);
        raw.features.remove(Feature.SHOP_TOKENS.column());
        String message = readError(write(raw), ReadOptions.STRICT);
        assertTrue(message.contains("missing column 'uni_seq_shop_bpe_token_ids'"), message);
    }

    @Test
    void columnOfTheWrongArrowType() throws Exception {
        RawArrow raw = RawArrow.valid(2, 3);
        raw.int32Columns.add(Feature.BRAND.column());
        String message = readError(write(raw), ReadOptions.STRICT);
        assertTrue(message.endsWith("column 'uni_seq_brand_id' has Arrow type List<List<Int(32, true)>>, expected list<list<int64>>"),
                message);
    }

    @Test
    void featuresWithDifferentNumbersOfEvents() throws Exception {
        RawArrow raw = RawArrow.valid(3, 4);
        raw.features.get(Feature.SELLER.column()).get(1).remove(0);
        Path file = write(raw);
        assertEquals(file + ", row 1, column 'uni_seq_seller_id': expected 4 events (as in uni_seq_item_id), got 3",
                readError(file, ReadOptions.STRICT));
    }

    @Test
    void negativeIds() throws Exception {
        RawArrow raw = RawArrow.valid(3, 4);
        raw.features.get(Feature.CATEGORY.column()).get(2).set(1, new long[] {-5});
        Path file = write(raw);
        assertEquals(file + ", row 2, column 'uni_seq_cate_id': event 1: expected an id >= 0, got -5",
                readError(file, ReadOptions.STRICT));
    }

    @Test
    void idsOutsideTheDeclaredTable() throws Exception {
        RawArrow raw = RawArrow.valid(2, 4);
        raw.features.get(Feature.TITLE_TOKENS.column()).get(0).set(3, new long[] {1, 99});
        Path file = write(raw);
        ReadOptions sized = ReadOptions.STRICT.withTableSizes(Map.of(Table.TOKENS, 50L));
        assertEquals(file + ", row 0, column 'uni_seq_title_bpe_token_ids': event 3: id 99 is outside table bpe_tokens "
                + "(size 50, ids 0..49)", readError(file, sized));
        // without declared sizes the same file reads
        assertEquals(2, ReleaseReader.open(file).readAll().size());
    }

    @Test
    void emptySequences() throws Exception {
        RawArrow raw = RawArrow.valid(2, 0);
        Path file = write(raw);
        assertEquals(file + ", row 0, column 'uni_seq_item_id': expected at least one event, got none",
                readError(file, ReadOptions.STRICT));
    }

    @Test
    void nullRows() throws Exception {
        RawArrow raw = RawArrow.valid(2, 2);
        raw.features.get(Feature.ITEM.column()).set(1, null);
        Path file = write(raw);
        assertEquals(file + ", row 1, column 'uni_seq_item_id': expected a list of events, got null",
                readError(file, ReadOptions.STRICT));
    }

    @Test
    void textThatIsNotAChatList() throws Exception {
        Path file = write(RawArrow.valid(2, 2).text("[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]",
                "just a question"));
        assertEquals(file + ", row 1, column 'text': expected a JSON chat list, got text that is not JSON: 'just a question'",
                readError(file, ReadOptions.STRICT));
    }

    @Test
    void textWithoutTheAssistantAnswer() throws Exception {
        Path file = write(RawArrow.valid(1, 2).text("[{\"role\":\"user\",\"content\":\"Q\"}]"));
        assertEquals(file + ", row 0, column 'text': chat list has no assistant turn after the question (the answer)",
                readError(file, ReadOptions.STRICT));
    }

    @Test
    void skipBadRowsCountsThemByReason() throws Exception {
        RawArrow raw = RawArrow.valid(6, 3);
        raw.features.get(Feature.CATEGORY.column()).get(1).set(0, new long[] {-1});
        raw.features.get(Feature.CATEGORY.column()).get(4).set(2, new long[] {-2});
        raw.features.get(Feature.SHOP.column()).get(3).remove(0);
        raw.features.put("some_future_column", raw.features.get(Feature.ITEM.column()));
        ReleaseReader reader = ReleaseReader.open(write(raw), ReadOptions.STRICT.withSkipBadRows(true));
        List<ReleaseRow> rows = reader.readAll();
        assertEquals(List.of(0L, 2L, 5L), rows.stream().map(ReleaseRow::index).toList());
        // the release has no user_id column: the user is the row index
        assertEquals(List.of("0", "2", "5"), rows.stream().map(r -> r.sequence().user()).toList());
        assertEquals(3, reader.skipped().total());
        assertEquals(Map.of("negative id", 2L, "features differ in number of events", 1L), reader.skipped().counts());
        assertTrue(reader.skipped().summary().contains("row 1, column 'uni_seq_cate_id'"), reader.skipped().summary());
    }

    @Test
    void truncatedFile() throws Exception {
        Path file = validFile();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        String message = readError(file, ReadOptions.STRICT);
        assertTrue(message.startsWith(file + ": corrupt or truncated Arrow file"), message);
    }

    @Test
    void compressedRecordBatchesGetAClearMessage() throws Exception {
        RawArrow raw = RawArrow.valid(2, 2);
        raw.lz4 = true;
        Path file = write(raw);
        String message = readError(file, ReadOptions.STRICT);
        assertTrue(message.startsWith(file + ": compressed Arrow record batches are not supported"), message);
    }

    @Test
    void notAnArrowFileAtAll() throws Exception {
        Path file = dir.resolve("text.arrow");
        Files.writeString(file, "user,item,timestamp\n1,2,3\n");
        String message = readError(file, ReadOptions.STRICT);
        assertTrue(message.startsWith(file + ": corrupt or truncated Arrow file"), message);
    }

    /** Random byte corruption anywhere in the file: a UqaException or a clean read, never another failure. */
    @Test
    void corruptBytesNeverCrash() throws Exception {
        Path file = validFile();
        byte[] clean = Files.readAllBytes(file);
        Random random = new Random(3);
        Path corrupt = dir.resolve("corrupt.arrow");
        int failures = 0;
        for (int trial = 0; trial < 300; trial++) {
            byte[] bytes = clean.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            Files.write(corrupt, bytes);
            try {
                ReleaseReader reader = ReleaseReader.open(corrupt, ReadOptions.STRICT);
                reader.rows();
                reader.readAll();
            } catch (UqaException e) {
                failures++;
                assertTrue(e.getMessage().startsWith(corrupt.toString()), e.getMessage());
            }
        }
        assertTrue(failures > 0, "corruption was never detected");
    }

    @Test
    void streamFormatIsReadToo() throws Exception {
        Path file = validFile();
        List<UserSequence> expected = new ArrayList<>();
        ReleaseReader.open(file).batches(10).forEachRemaining(expected::addAll);
        Path stream = dir.resolve("stream.arrow");
        try (var allocator = new org.apache.arrow.memory.RootAllocator();
             var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(
                     java.nio.channels.FileChannel.open(file), allocator);
             var out = new java.io.FileOutputStream(stream.toFile())) {
            var root = reader.getVectorSchemaRoot();
            try (var writer = new org.apache.arrow.vector.ipc.ArrowStreamWriter(root, null, out)) {
                writer.start();
                while (reader.loadNextBatch()) {
                    writer.writeBatch();
                }
                writer.end();
            }
        }
        ReleaseReader streamed = ReleaseReader.open(stream);
        assertEquals(expected.size(), streamed.rows());
        List<UserSequence> back = new ArrayList<>();
        streamed.batches(3).forEachRemaining(back::addAll);
        assertEquals(expected, back);
        assertTrue(streamed.hasText());
    }

    private Path validFile() {
        Path file = dir.resolve("valid.arrow");
        try (ReleaseWriter out = ReleaseWriter.create(file, true, 4)) {
            for (UserSequence user : ReleaseRoundTripTest.randomUsers(new Random(5), 10)) {
                out.write(user, new ChatText("问题 " + user.user(), "A"));
            }
            out.commit();
        }
        return file;
    }
}
