package dev.uqabench.data.skewed;

import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.InteractionLog;
import dev.uqabench.data.csv.CsvImportOptions;
import dev.uqabench.data.csv.CsvImporter;
import dev.uqabench.data.recbole.RecBoleImporter;
import dev.uqabench.data.recbole.RecBoleOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SkewedLogGeneratorTest {

    @TempDir
    Path root;

    static final DatasetInfo.Split SPLIT = new DatasetInfo.Split(0.1, 0.1, 5, 7);

    private static SkewedLogGenerator.Log log(long seed) {
        return new SkewedLogGenerator(SkewedLogConfig.of(300, 600, seed, SkewedLogConfig.Format.RECBOLE)).generate();
    }

    @Test
    void logIsSkewedTiedAndRatedLikeMovieLens() {
        SkewedLogGenerator.Log log = log(1);
        assertTrue(SkewedLogGenerator.topGenreShare(log, 3) > 0.60, "top-3 genres: " + SkewedLogGenerator.summary(log));
        // Zipf s = 1 over 600 films: the top 10 % hold far more than 10 % of events
        assertTrue(SkewedLogGenerator.headShare(log, 0.1) > 0.30, "Zipf head: " + SkewedLogGenerator.summary(log));
        assertTrue(SkewedLogGenerator.tiedShare(log) >= 0.50, "ties: " + SkewedLogGenerator.summary(log));
        assertTrue(log.ratings().stream().allMatch(r -> r.rating() >= 1 && r.rating() <= 5));
        assertEquals(5, log.ratings().stream().mapToInt(SkewedLogGenerator.Rating::rating).distinct().count());
        assertTrue(log.films().stream().allMatch(f -> f.genres().size() >= 1 && f.genres().size() <= 3));
        assertTrue(log.films().stream().anyMatch(f -> f.genres().size() == 3));
        // a film is rated at most once per user
        long distinct = log.ratings().stream().map(r -> r.user() + "/" + r.item()).distinct().count();
        assertEquals(log.ratings().size(), distinct);
    }

    @Test
    void sameSeedSameFilesOtherSeedOtherLog() throws Exception {
        SkewedLogConfig config = SkewedLogConfig.of(50, 100, 3, SkewedLogConfig.Format.RECBOLE);
        new SkewedLogGenerator(config).write(root.resolve("a"), "x");
        new SkewedLogGenerator(config).write(root.resolve("b"), "x");
        for (String file : List.of("x.inter", "x.item")) {
            assertEquals(Files.readString(root.resolve("a").resolve(file)), Files.readString(root.resolve("b").resolve(file)));
        }
        assertNotEquals(log(1).ratings(), log(2).ratings());
    }

    @Test
    void recboleImportWarnsAboutTiesAndRatingsAndNamesFilmsAndGenres() throws Exception {
        Path files = root.resolve("skew");
        new SkewedLogGenerator(SkewedLogConfig.of(200, 400, 5, SkewedLogConfig.Format.RECBOLE)).write(files);
        DatasetInfo info = new RecBoleImporter(RecBoleOptions.of(files)).importTo(root.resolve("out"), SPLIT);
        DatasetInfo read = DatasetInfo.read(root.resolve("out"));
        assertEquals(info, read, "warnings and nouns round-trip through dataset.json");
        assertEquals(2, read.warningList().size(), read.warningList().toString());
        assertTrue(read.warningList().get(0).matches("\\d+ % of the clicks read share a timestamp with another click of the same user:"
                + " their order within a tie is file order, so 'next click' and position questions are partly arbitrary"),
                read.warningList().get(0));
        assertEquals("the interactions carry a rating field 'rating': every rating is treated as a click; ratings are ignored"
                + " — filter with --min-rating if only positive feedback should count", read.warningList().get(1));
        assertEquals(Map.of("item", "film", "category", "genre"), read.nounMap());
    }

    @Test
    void minRatingKeepsOnlyHighRatingsAndSaysHowManyWereDropped() throws Exception {
        Path files = root.resolve("skew");
        SkewedLogGenerator.Log log = new SkewedLogGenerator(SkewedLogConfig.of(100, 200, 6, SkewedLogConfig.Format.RECBOLE))
                .write(files);
        long low = log.ratings().stream().filter(r -> r.rating() < 4).count();
        InteractionLog kept = new RecBoleImporter(RecBoleOptions.of(files).withMinRating(4.0)).read();
        assertEquals(log.ratings().size() - low, kept.clicks());
        assertEquals(List.of("the interactions carry a rating field 'rating': " + low + " of " + log.ratings().size()
                + " interactions rated below 4 were dropped (--min-rating); every kept rating is treated as a click"),
                kept.warnings());
    }

    @Test
    void csvImportWarnsTooAndHonoursMinRating() throws Exception {
        Path files = root.resolve("csv");
        SkewedLogGenerator.Log log = new SkewedLogGenerator(SkewedLogConfig.of(100, 200, 8, SkewedLogConfig.Format.CSV))
                .write(files);
        CsvImportOptions options = CsvImportOptions.of(files.resolve("interactions.csv"), files.resolve("items.csv"));
        DatasetInfo info = new CsvImporter(options).importTo(root.resolve("all"), SPLIT);
        assertEquals(2, info.warningList().size());
        assertTrue(info.warningList().get(0).contains("share a timestamp with another click of the same user"));
        assertTrue(info.warningList().get(1).startsWith("the interactions carry a rating column 'rating': every rating is"
                + " treated as a click"));
        assertTrue(info.nounMap().isEmpty(), "CSV columns named category/title say nothing about films");
        assertEquals(log.ratings().size(), new CsvImporter(options).read().clicks());

        long high = log.ratings().stream().filter(r -> r.rating() >= 5).count();
        InteractionLog kept = new CsvImporter(options.withMinRating(5.0)).read();
        assertEquals(high, kept.clicks());
        assertTrue(kept.warnings().get(0).contains("rated below 5 were dropped (--min-rating)"));
    }

    @Test
    void logWithoutTiesOrRatingsHasNoWarnings() throws Exception {
        Path csv = root.resolve("plain.csv");
        StringBuilder text = new StringBuilder("user,item,timestamp\n");
        for (int u = 1; u <= 3; u++) {
            for (int t = 1; t <= 6; t++) {
                text.append(u).append(',').append(t).append(',').append(100 * t).append('\n');
            }
        }
        Files.writeString(csv, text);
        DatasetInfo info = new CsvImporter(CsvImportOptions.of(csv, null)).importTo(root.resolve("out"), SPLIT);
        assertTrue(info.warningList().isEmpty());
        assertFalse(Files.readString(root.resolve("out/dataset.json")).contains("warnings"));
    }
}
