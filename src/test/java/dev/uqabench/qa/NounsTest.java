package dev.uqabench.qa;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.recbole.RecBoleImporter;
import dev.uqabench.data.recbole.RecBoleOptions;
import dev.uqabench.data.skewed.SkewedLogConfig;
import dev.uqabench.data.skewed.SkewedLogGenerator;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NounsTest {

    static final Nouns FILMS = Nouns.of(Map.of("item", "film", "category", "genre"));

    @TempDir
    Path root;

    @Test
    void englishStemsNameFilmsAndGenres() {
        assertEquals("What is the genre of the film the user clicked 3 clicks ago (1 = the last click)?",
                Templates.directFeature(Lang.EN, FILMS, Attribute.CATEGORY, 3));
        assertEquals("How many films has the user clicked in total?", Templates.sequenceLength(Lang.EN, FILMS));
        assertEquals("How many clicks has the user made on films with the genre \"Drama\" (repeat clicks counted)?",
                Templates.attributeCount(Lang.EN, FILMS, Attribute.CATEGORY, "Drama"));
        assertEquals("What is the title of the film the user will click next?", Templates.nextTitle(Lang.EN, FILMS));
        assertEquals("Which 3 genres interest the user most, most clicked first?",
                Templates.longTermInterest(Lang.EN, FILMS, Attribute.CATEGORY));
        for (String stem : enStems(FILMS)) {
            assertFalse(stem.contains("item") || stem.contains("categor"), stem);
        }
        // the defaults word questions as before
        assertEquals("What is the category of the item the user will click next?",
                Templates.nextAttribute(Lang.EN, Attribute.CATEGORY));
        assertEquals("Which 3 categories interest the user most, most clicked first?",
                Templates.longTermInterest(Lang.EN, Attribute.CATEGORY));
        assertTrue(TextContext.render(List.of(), null, "en", FILMS).startsWith("Recently clicked films ("));
    }

    @Test
    void zhStemsWithGenreStillMatchTheReferenceRules() {
        assertEquals("用户倒数第2次浏览的商品的类型是什么？", Templates.directFeature(Lang.ZH, FILMS, Attribute.CATEGORY, 2));
        assertEquals(Subtask.DF, ReferenceRules.classify(Templates.directFeature(Lang.ZH, FILMS, Attribute.CATEGORY, 2)));
        assertEquals(Subtask.MF, ReferenceRules.classify(Templates.sequenceLength(Lang.ZH, FILMS)));
        assertEquals(Subtask.MF, ReferenceRules.classify(Templates.attributeCount(Lang.ZH, FILMS, Attribute.CATEGORY, "剧情")));
        assertEquals(Subtask.IP, ReferenceRules.classify(Templates.nextTitle(Lang.ZH, FILMS)));
        assertEquals(Subtask.AP, ReferenceRules.classify(Templates.nextAttribute(Lang.ZH, FILMS, Attribute.CATEGORY)));
        assertEquals(Subtask.LI, ReferenceRules.classify(Templates.longTermInterest(Lang.ZH, FILMS, Attribute.CATEGORY)));
        assertEquals(Subtask.SI, ReferenceRules.classify(Templates.shortTermInterest(Lang.ZH, FILMS, Attribute.CATEGORY, 10)));
        assertEquals(Subtask.IT, ReferenceRules.classify(Templates.trajectory(Lang.ZH, FILMS, Attribute.CATEGORY, 5)));
        assertTrue(Templates.nextAttribute(Lang.ZH, FILMS, Attribute.CATEGORY).contains("类型"));
        assertEquals("品牌", FILMS.label(Attribute.BRAND, Lang.ZH), "unchanged nouns keep their zh label");
    }

    @Test
    void questionConfigReadsNounsAndNamesBadKeys() {
        ObjectMapper json = new ObjectMapper();
        QuestionConfig config = QuestionConfig.fromTree(json.createObjectNode().set("nouns",
                json.valueToTree(Map.of("item", "film", "category", "genre"))));
        assertEquals(FILMS, config.nouns());
        assertEquals(config, QuestionConfig.fromTree(json.valueToTree(config.toTree())), "round trip");
        assertFalse(QuestionConfig.defaults().toTree().containsKey("nouns"), "default nouns leave manifests unchanged");
        assertEquals(FILMS, QuestionConfig.defaults().withNouns(FILMS).nouns());
        UqaException unknown = assertThrows(UqaException.class, () -> QuestionConfig.fromTree(
                json.createObjectNode().set("nouns", json.valueToTree(Map.of("colour", "red")))));
        assertEquals("question config: unknown key 'nouns.colour' (known keys under 'nouns': item, category, brand, shop)",
                unknown.getMessage());
        UqaException bad = assertThrows(UqaException.class, () -> QuestionConfig.fromTree(
                json.createObjectNode().set("nouns", json.valueToTree(Map.of("item", "Film!")))));
        assertTrue(bad.getMessage().startsWith("question config: invalid value at 'nouns.item': expected a lower-case English noun"), bad.getMessage());
    }

    @Test
    void syntheticFilmLogAsksAboutGenresButNeverBrandsOrShops() {
        Path files = root.resolve("skew");
        new SkewedLogGenerator(SkewedLogConfig.of(120, 300, 4, SkewedLogConfig.Format.RECBOLE)).write(files);
        Path data = root.resolve("data");
        new RecBoleImporter(RecBoleOptions.of(files)).importTo(data, new DatasetInfo.Split(0.1, 0.0, 5, 1));
        Nouns nouns = Nouns.of(DatasetInfo.read(data));
        assertEquals(FILMS, nouns);
        List<UserSequence> users = new ArrayList<>();
        ReleaseReader.open(data.resolve(ReleaseLayout.PRETRAIN_TRAIN)).batches(64).forEachRemaining(users::addAll);
        QuestionConfig config = QuestionConfig.defaults().withLang(Lang.EN).withNouns(nouns);
        try (TokenizerEventText text = TokenizerEventText.open(data)) {
            QuestionBuilder builder = QuestionBuilder.fittedOnHistories(config, text, AttributePool.of(users, text, 1000), users, 4);
            List<BuiltQuestion> built = builder.alignmentSet(users, 4);
            assertFalse(built.isEmpty());
            for (BuiltQuestion q : built) {
                if (q.facts() != null && q.facts().attribute() != null) {
                    // films have no brand or shop: those asks have empty answers and are dropped
                    assertTrue(List.of("category", "title").contains(q.facts().attribute()), q.question().question());
                }
            }
            // the wording itself is checked on Templates above: the builders pass config.nouns() once wired
            assertTrue(built.stream().anyMatch(q -> q.facts() != null && "category".equals(q.facts().attribute())),
                    "genre questions are asked");
        }
    }

    private static List<String> enStems(Nouns nouns) {
        return List.of(Templates.directFeature(Lang.EN, nouns, Attribute.CATEGORY, 1), Templates.sequenceLength(Lang.EN, nouns),
                Templates.attributeCount(Lang.EN, nouns, Attribute.CATEGORY, "x"), Templates.nextTitle(Lang.EN, nouns),
                Templates.nextAttribute(Lang.EN, nouns, Attribute.CATEGORY),
                Templates.longTermInterest(Lang.EN, nouns, Attribute.CATEGORY),
                Templates.shortTermInterest(Lang.EN, nouns, Attribute.CATEGORY, 5),
                Templates.trajectory(Lang.EN, nouns, Attribute.CATEGORY, 5));
    }
}
