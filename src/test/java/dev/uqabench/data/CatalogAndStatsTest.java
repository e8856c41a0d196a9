package dev.uqabench.data;

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

class CatalogAndStatsTest {

    @TempDir
    Path dir;

    @Test
    void catalogRoundTripsAndNamesIds() {
        Catalog catalog = new Catalog(List.of(
                new CatalogItem(1, 2, 3, 4, 4, "优美 连衣裙", "连衣裙", "优美", "优美旗舰店", "优美"),
                new CatalogItem(2, 2, 0, 5, 5, "dress", "连衣裙", "", "shop", "seller")));
        Path file = dir.resolve(Catalog.FILE_NAME);
        catalog.write(file);
        Catalog back = Catalog.read(file);
        assertEquals(catalog.items(), back.items());
        assertEquals("连衣裙", back.name(Feature.CATEGORY, 2).orElseThrow());
        assertEquals("优美旗舰店", back.name(Feature.SHOP, 4).orElseThrow());
        assertEquals(Map.of(2L, "连衣裙"), back.names(Feature.CATEGORY));
    }

    @Test
    void badCatalogLineIsNamed() throws Exception {
        Path file = dir.resolve(Catalog.FILE_NAME);
        Files.writeString(file, "{\"item\":1,\"category\":1,\"brand\":1,\"shop\":1,\"seller\":1,\"title\":\"t\","
                + "\"category_name\":\"c\",\"brand_name\":\"b\",\"shop_name\":\"s\",\"seller_name\":\"x\"}\n"
                + "{\"item\":0,\"category\":1,\"brand\":1,\"shop\":1,\"seller\":1,\"title\":\"t\","
                + "\"category_name\":\"c\",\"brand_name\":\"b\",\"shop_name\":\"s\",\"seller_name\":\"x\"}\n");
        UqaException e = assertThrows(UqaException.class, () -> Catalog.read(file));
        assertEquals(file + ", line 2: item id must be >= 1, got 0", e.getMessage());
    }

    /** {@code key} (an imported item's own id) is optional; every other key is required. */
    @Test
    void keyIsOptionalAndTheOtherKeysRequired() throws Exception {
        Path file = dir.resolve(Catalog.FILE_NAME);
        String line = "{\"item\":1,\"category\":1,\"brand\":1,\"shop\":1,\"seller\":1,\"title\":\"t\","
                + "\"category_name\":\"c\",\"brand_name\":\"b\",\"shop_name\":\"s\",\"seller_name\":\"x\"";
        Files.writeString(file, line + "}\n" + line.replace("\"item\":1", "\"item\":2") + ",\"key\":\"B00X\"}\n");
        Catalog catalog = Catalog.read(file);
        assertEquals(null, catalog.item(1).orElseThrow().key());
        assertEquals("B00X", catalog.item(2).orElseThrow().key());
        catalog.write(dir.resolve("again.jsonl"));
        assertEquals(Files.readString(file), Files.readString(dir.resolve("again.jsonl")), "no key written as null");
        for (String key : List.of("item", "category", "brand", "shop", "seller", "title", "category_name", "brand_name",
                "shop_name", "seller_name")) {
            String without = (line + "}").replaceFirst("\"" + key + "\":(\"[^\"]*\"|\\d+),?", "").replace(",}", "}");
            Files.writeString(file, without + "\n");
            UqaException e = assertThrows(UqaException.class, () -> Catalog.read(file), without);
            assertTrue(e.getMessage().startsWith(file + ", line 1: ") && e.getMessage().contains("'" + key + "'"),
                    e.getMessage());
        }
    }

    @Test
    void nearestRankPercentiles() {
        int[] lengths = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
        Map<String, Double> p = DataStats.percentiles(lengths, lengths.length);
        assertEquals(1.0, p.get("min"));
        assertEquals(5.0, p.get("p50"));
        assertEquals(9.0, p.get("p90"));
        assertEquals(10.0, p.get("p99"));
        assertEquals(10.0, p.get("max"));
        assertEquals(5.5, p.get("mean"));
    }

    @Test
    void idMapIsDenseFromOne() {
        IdMap ids = new IdMap();
        assertEquals(1, ids.id("b"));
        assertEquals(2, ids.id("a"));
        assertEquals(1, ids.id("b"));
        assertEquals(0, ids.id(""));
        assertEquals("a", ids.key(2));
        assertEquals(2, ids.size());
    }
}
