package dev.uqabench.data.arrow;

import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleaseRoundTripTest {

    @TempDir
    Path dir;

    static List<UserSequence> randomUsers(Random random, int users) {
        List<UserSequence> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int length = 1 + random.nextInt(12);
            List<Event> events = new ArrayList<>();
            for (int e = 0; e < length; e++) {
                long[][] tokens = new long[5][];
                for (int t = 0; t < 5; t++) {
                    tokens[t] = random.longs(random.nextInt(4), 0, 1000).toArray();
                }
                events.add(new Event(1 + random.nextInt(500), random.nextInt(20), random.nextInt(30),
                        random.nextInt(40), random.nextInt(40), tokens));
            }
            out.add(new UserSequence("u" + u, events));
        }
        return out;
    }

    @Test
    void pretrainRowsRoundTripAcrossRecordBatches() {
        List<UserSequence> users = randomUsers(new Random(7), 23);
        Path file = dir.resolve(ReleaseLayout.PRETRAIN_TRAIN);
        try (ReleaseWriter out = ReleaseWriter.create(file, false, 5)) {
            users.forEach(out::write);
            out.commit();
        }
        ReleaseReader reader = ReleaseReader.open(file);
        assertEquals(23, reader.rows());
        assertFalse(reader.hasText());
        assertTrue(reader.hasUserColumn());
        List<UserSequence> back = new ArrayList<>();
        Iterator<List<UserSequence>> batches = reader.batches(4);
        List<Integer> sizes = new ArrayList<>();
        while (batches.hasNext()) {
            List<UserSequence> batch = batches.next();
            sizes.add(batch.size());
            back.addAll(batch);
        }
        assertEquals(users, back);
        assertEquals(List.of(4, 4, 4, 4, 4, 3), sizes);
        // a second pass starts from the beginning
        assertEquals(users.get(0), reader.batches(1).next().get(0));
    }

    @Test
    void alignRowsKeepTheirChatText() {
        List<UserSequence> users = randomUsers(new Random(8), 6);
        Path file = dir.resolve(ReleaseLayout.ALIGN_EVAL);
        List<ChatText> chats = new ArrayList<>();
        try (ReleaseWriter out = ReleaseWriter.create(file, true, 4)) {
            for (int i = 0; i < users.size(); i++) {
                ChatText chat = new ChatText("用户最近点击的类目是？ A. 连衣裙 B. \"鞋\" C. 包 D. 帽 #" + i, "A. 连衣裙");
                chats.add(chat);
                out.write(users.get(i), chat);
            }
            out.commit();
        }
        List<ReleaseRow> rows = ReleaseReader.open(file).readAll();
        assertEquals(users.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i, rows.get(i).index());
            assertEquals(users.get(i), rows.get(i).sequence());
            assertEquals(chats.get(i), rows.get(i).chat());
        }
    }

    @Test
    void abandonedWriterLeavesNothing() throws Exception {
        Path file = dir.resolve(ReleaseLayout.PRETRAIN_EVAL);
        try (ReleaseWriter out = ReleaseWriter.create(file, false, 2)) {
            randomUsers(new Random(9), 5).forEach(out::write);
        }
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(), listing.toList());
        }
    }

    @Test
    void emptySequencesAreRefusedWhenWritten() {
        Path file = dir.resolve(ReleaseLayout.ALIGN_TRAIN);
        try (ReleaseWriter out = ReleaseWriter.create(file, true, 8)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> out.write(new UserSequence("u9", List.of()), new ChatText("Q", "A")));
            assertEquals("align_data_train.arrow, row 0: user 'u9' has no events", e.getMessage());
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void pretrainRowsHaveNoChat() {
        Path file = dir.resolve(ReleaseLayout.PRETRAIN_TRAIN);
        try (ReleaseWriter out = ReleaseWriter.create(file, false, 8)) {
            randomUsers(new Random(10), 3).forEach(out::write);
            out.commit();
        }
        ReleaseRow row = ReleaseReader.open(file).readAll().get(0);
        assertNull(row.chat());
        assertEquals("u0", row.sequence().user());
    }
}
