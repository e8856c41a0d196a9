package dev.uqabench.qa;

import dev.uqabench.base.UqaException;
import dev.uqabench.data.arrow.ReleaseFolder;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.synthetic.SyntheticConfig;
import dev.uqabench.data.synthetic.SyntheticGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: an id beyond its table in a --data folder failed deep in pretraining ("id 120 is outside table
 * 'item_id' of 10 rows"), after the qa and llm stages had run, naming neither file nor row. The qa stage, the
 * first to read the folder, now checks every id against dataset.json's table sizes.
 */
class OutOfTableIdTest {

    @TempDir
    Path dir;

    private Path dataWithItemTable(long size) throws Exception {
        Path data = dir.resolve("data");
        new SyntheticGenerator(SyntheticConfig.quickstart().withUsers(60).withCatalog(200, 10, 20, 30, 30)).generate(data);
        Path info = data.resolve("dataset.json");
        Files.writeString(info, Files.readString(info).replaceFirst("\"item_id\"\\s*:\\s*\\d+", "\"item_id\" : " + size));
        return data;
    }

    @Test
    void theQuestionFolderNamesTheFileAndRowOfAnIdBeyondItsTable() throws Exception {
        Path data = dataWithItemTable(5);
        Path out = dir.resolve("qa");
        UqaException e = assertThrows(UqaException.class,
                () -> QuestionFolder.write(data, QuestionConfig.defaults(), 7, data.resolve(ReleaseLayout.TOKENIZER_JSON), out));
        assertTrue(e.getMessage().matches(java.util.regex.Pattern.quote(data.resolve(ReleaseLayout.PRETRAIN_TRAIN).toString())
                + ", row \\d+, column 'uni_seq_item_id': event \\d+: id \\d+ is outside table item_id \\(size 5, ids 0\\.\\.4\\)"),
                e.getMessage());
        assertFalse(Files.exists(out.resolve(QuestionSet.TEST.jsonl())), "nothing is written");
    }

    @Test
    void checkIdsReadsEveryFileOfAReleaseWithItsOwnQuestions() throws Exception {
        Path data = dataWithItemTable(5);
        UqaException e = assertThrows(UqaException.class, () -> ReleaseFolder.open(data, null, false).checkIds());
        assertTrue(e.getMessage().startsWith(data.resolve(ReleaseLayout.PRETRAIN_TRAIN) + ", row "), e.getMessage());
    }
}
