package dev.uqabench.data.arrow;

import dev.uqabench.data.Event;
import dev.uqabench.data.Feature;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden files written by an independent Arrow implementation (Apache Arrow JS; regenerate with
 * {@code make-golden.mjs} beside them) in the release's shape: ten list<list<int64>> columns,
 * a JSON chat {@code text}, no {@code user_id}, and an extra column readers must ignore.
 */
class ReleaseGoldenTest {

    private static Path golden(String name) throws URISyntaxException {
        return Path.of(ReleaseGoldenTest.class.getResource("golden/" + name).toURI());
    }

    @Test
    void fileFormat() throws Exception {
        check(golden("release_align.arrow"));
    }

    @Test
    void streamFormat() throws Exception {
        check(golden("release_align_stream.arrow"));
    }

    /** Row r has r+1 events; feature f, event e holds ids 1000 f + 10 r + e + k, one for ids, (e mod 3) + 1 for tokens. */
    private static void check(Path file) {
        ReleaseReader reader = ReleaseReader.open(file);
        assertEquals(3, reader.rows());
        assertTrue(reader.hasText());
        assertFalse(reader.hasUserColumn());
        List<ReleaseRow> rows = reader.readAll();
        assertEquals(3, rows.size());
        for (int r = 0; r < 3; r++) {
            ReleaseRow row = rows.get(r);
            assertEquals(String.valueOf(r), row.sequence().user());
            assertEquals(r + 1, row.sequence().length());
            for (int e = 0; e <= r; e++) {
                Event event = row.sequence().events().get(e);
                for (Feature feature : Feature.values()) {
                    int f = feature.ordinal();
                    int n = feature.kind() == Feature.Kind.ID ? 1 : e % 3 + 1;
                    long[] expected = new long[n];
                    for (int k = 0; k < n; k++) {
                        expected[k] = 1000L * f + 10L * r + e + k;
                    }
                    assertArrayEquals(expected, event.values(feature), feature + " row " + r + " event " + e);
                }
            }
            assertEquals("问题 " + r + "：用户近期最感兴趣的类目是？", row.chat().question());
            assertEquals("答案 " + "ABC".charAt(r), row.chat().answer());
        }
    }
}
