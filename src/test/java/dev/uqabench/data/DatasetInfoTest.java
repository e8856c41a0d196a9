package dev.uqabench.data;

import dev.uqabench.data.arrow.ReleaseFolder;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseWriter;
import dev.uqabench.data.text.WordTokenizerBuilder;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetInfoTest {

    @TempDir
    Path dir;

    private static DatasetInfo sample() {
        return DatasetInfo.uqabenchRelease(new DatasetInfo.TokenizerInfo("Qwen2", "/models/qwen2", "abc"));
    }

    @Test
    void roundTripsThroughJson() {
        DatasetInfo info = sample();
        info.write(dir);
        assertEquals(info, DatasetInfo.read(dir));
        assertEquals(994_447L, info.tableSize(Table.ITEM));
        assertEquals(151_936L, info.tableSizesByTable().get(Table.TOKENS));
    }

    @Test
    void unknownKeyIsNamed() throws Exception {
        sample().write(dir);
        Path file = dir.resolve(DatasetInfo.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("\"source\"", "\"sorce\""));
        UqaException e = assertThrows(UqaException.class, () -> DatasetInfo.read(dir));
        assertTrue(e.getMessage().startsWith(file + ": unknown key 'sorce'"), e.getMessage());
    }

    @Test
    void missingOrUnknownTableIsNamed() {
        Map<String, Long> sizes = new java.util.LinkedHashMap<>(sample().tableSizes());
        sizes.remove("shop_id");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DatasetInfo("x", sizes, sample().tokenizer(), null, null));
        assertEquals("table_sizes lacks 'shop_id'", e.getMessage());
        sizes.put("shop_id", 5L);
        sizes.put("color_id", 5L);
        e = assertThrows(IllegalArgumentException.class, () -> new DatasetInfo("x", sizes, sample().tokenizer(), null, null));
        assertTrue(e.getMessage().startsWith("table_sizes has unknown table 'color_id'"), e.getMessage());
    }

    @Test
    void invalidValueInTheFileIsNamed() throws Exception {
        sample().write(dir);
        Path file = dir.resolve(DatasetInfo.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("9330", "-1"));
        UqaException e = assertThrows(UqaException.class, () -> DatasetInfo.read(dir));
        assertEquals(file + ": table_sizes.cate_id must be >= 1, got -1", e.getMessage());
    }

    @Test
    void aMissingKeyOrAWrongTypeInTheFileIsNamed() throws Exception {
        // issue 12: Jackson's "Cannot deserialize value of type `java.lang.Long`" did not say which key
        sample().write(dir);
        Path file = dir.resolve(DatasetInfo.FILE_NAME);
        String good = Files.readString(file);
        Files.writeString(file, good.replace("9330", "\"many\""));
        UqaException e = assertThrows(UqaException.class, () -> DatasetInfo.read(dir));
        assertTrue(e.getMessage().startsWith(file + ": key 'table_sizes.cate_id' has the wrong type (Cannot deserialize value of "
                + "type Long from String \"many\""), e.getMessage());
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(good);
        tree.remove("table_sizes");
        Files.writeString(file, tree.toString());
        e = assertThrows(UqaException.class, () -> DatasetInfo.read(dir));
        assertEquals(file + ": key 'table_sizes' is missing", e.getMessage());
    }

    @Test
    void releaseFolderWithoutDatasetJsonNeedsTheFeatureTokenizerForText() throws Exception {
        try (ReleaseWriter out = ReleaseWriter.create(dir.resolve(ReleaseLayout.PRETRAIN_TRAIN), false, 4)) {
            out.write(new UserSequence("u", List.of(new Event(1, 1, 1, 1, 1, new long[][] {{5}, {}, {}, {}, {}}))));
            out.commit();
        }
        ReleaseFolder release = ReleaseFolder.open(dir, null, false);
        assertEquals("uqabench-release", release.info().source());
        assertEquals(1, release.pretrainTrain().rows());
        UqaException e = assertThrows(UqaException.class, release::eventText);
        assertTrue(e.getMessage().contains("pass --feature-tokenizer DIR"), e.getMessage());

        Path tokenizerDir = dir.resolve("tok");
        Files.createDirectories(tokenizerDir);
        WordTokenizerBuilder.write(List.of("连衣裙"), tokenizerDir.resolve("tokenizer.json"));
        ReleaseFolder withTokenizer = ReleaseFolder.open(dir, tokenizerDir, false);
        assertEquals(DatasetInfo.sha256(tokenizerDir.resolve("tokenizer.json")), withTokenizer.info().tokenizer().sha256());
        try (var text = withTokenizer.eventText()) {
            assertEquals("连衣裙", text.decode(new long[] {5}));
        }
        e = assertThrows(UqaException.class, () -> ReleaseFolder.open(dir, dir.resolve("nowhere"), false));
        assertEquals("--feature-tokenizer: no tokenizer.json at " + dir.resolve("nowhere"), e.getMessage());
        UqaException missing = assertThrows(UqaException.class, () -> ReleaseFolder.open(dir, null, false).pretrainEval());
        assertTrue(missing.getMessage().startsWith(dir.resolve(ReleaseLayout.PRETRAIN_EVAL) + ": file not found"));
    }

    @Test
    void recordedTokenizerMustMatch() throws Exception {
        Path tokenizer = dir.resolve(ReleaseLayout.TOKENIZER_JSON);
        WordTokenizerBuilder.write(List.of("a b"), tokenizer);
        DatasetInfo info = new DatasetInfo("test", sample().tableSizes(),
                DatasetInfo.TokenizerInfo.of("word-level", tokenizer, "tokenizer.json"), null, null);
        info.write(dir);
        ReleaseFolder.open(dir, null, false);
        WordTokenizerBuilder.write(List.of("c d"), tokenizer);
        UqaException e = assertThrows(UqaException.class, () -> ReleaseFolder.open(dir, null, false));
        assertTrue(e.getMessage().contains("not the tokenizer recorded in dataset.json"), e.getMessage());
    }
}
