package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every built question is checked against an answer recomputed here from the clicks, independently
 * of the builders' own counting.
 */
class QuestionBuildersTest {

    private static final Pattern POSITION_ZH = Pattern.compile("倒数第(\\d+)次");
    private static final Pattern POSITION_EN = Pattern.compile("clicked (\\d+) clicks? ago");
    private static final Pattern QUOTED = Pattern.compile("[“\"]([^”\"]+)[”\"]");

    /** A question with the clicks it is about. */
    private record Case(BuiltQuestion built, List<Event> context, Event next) {
    }

    private static List<Case> cases(Lang lang, long seed) {
        List<UserSequence> users = TinyWorld.users(40, seed);
        QuestionConfig config = new QuestionConfig(lang, 20, 10, 10, QuestionConfig.uniform(2),
                QuestionConfig.uniform(2));
        QuestionBuilder builder = QuestionBuilder.fittedOnHistories(config, TinyWorld.TEXT, TinyWorld.pool(users), users, seed);
        List<Case> cases = new ArrayList<>();
        Map<String, UserSequence> byName = new HashMap<>();
        users.forEach(u -> byName.put(u.user(), u));
        for (BuiltQuestion built : builder.alignmentSet(users, seed)) {
            List<Event> events = byName.get(built.question().user()).events();
            int n = built.contextLength();
            cases.add(new Case(built, events.subList(0, n), n < events.size() ? events.get(n) : null));
        }
        List<UserSplit> splits = users.stream().map(u -> UserSplit.holdOut(u, 5)).toList();
        for (BuiltQuestion built : builder.testSet(splits, seed)) {
            UserSplit split = splits.stream().filter(s -> s.history().user().equals(built.question().user()))
                    .findFirst().orElseThrow();
            assertEquals(split.history().length(), built.contextLength(), "test questions see the full history");
            cases.add(new Case(built, split.history().events(), split.future().get(0)));
        }
        return cases;
    }

    @Test
    void everyAnswerMatchesRecomputationInBothLanguages() {
        for (Lang lang : Lang.values()) {
            Map<Subtask, Integer> perSubtask = new EnumMap<>(Subtask.class);
            for (long seed = 1; seed <= 3; seed++) {
                for (Case c : cases(lang, seed)) {
                    Question q = c.built().question();
                    assertEquals(lang.code(), q.lang());
                    assertEquals(4, new HashSet<>(q.options()).size(), "distinct options: " + q);
                    q.options().forEach(o -> assertFalse(o.isBlank(), "blank option: " + q));
                    assertEquals(Templates.withOptions(stem(q), q.options()), q.question(), "options written in the text");
                    String gold = q.options().get(q.answerIndex());
                    if (q.subtask() == Subtask.MF) {
                        int count = Integer.parseInt(expected(c, lang));
                        assertTrue(inRange(gold, count), "mf: " + count + " in " + gold + ": " + q.question());
                        q.options().stream().filter(o -> !o.equals(gold))
                                .forEach(o -> assertFalse(inRange(o, count), "mf: a second range holds the count: " + q));
                    } else {
                        assertEquals(expected(c, lang), gold, q.subtask() + ": " + q.question());
                    }
                    perSubtask.merge(q.subtask(), 1, Integer::sum);
                }
            }
            for (Subtask subtask : Subtask.values()) {
                assertTrue(perSubtask.getOrDefault(subtask, 0) >= 30,
                        lang + " " + subtask + " built too rarely: " + perSubtask);
            }
        }
    }

    @Test
    void enStemsAreEnglishAndZhStemsAreChinese() {
        for (Case c : cases(Lang.EN, 7)) {
            String stem = stem(c.built().question());
            String withoutNames = QUOTED.matcher(stem).replaceAll("");
            assertTrue(withoutNames.chars().allMatch(ch -> ch < 128), "English stem: " + stem);
            assertTrue(stem.endsWith("?"), stem);
        }
        for (Case c : cases(Lang.ZH, 7)) {
            String stem = stem(c.built().question());
            assertTrue(stem.endsWith("？"), stem);
            assertTrue(stem.chars().anyMatch(ch -> Character.UnicodeScript.of(ch) == Character.UnicodeScript.HAN), stem);
        }
    }

    @Test
    void goldLettersAreRoughlyUniform() {
        int[] letters = new int[4];
        int total = 0;
        for (long seed = 1; seed <= 3; seed++) {
            for (Case c : cases(Lang.ZH, seed)) {
                letters[c.built().question().answerIndex()]++;
                total++;
            }
        }
        // 4 cells, expected share 1/4: the chi-square statistic stays below 16.3 (p = 0.001, 3 df) unless biased.
        double chiSquare = 0;
        for (int count : letters) {
            double expected = total / 4.0;
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        assertTrue(total > 1000, "enough questions: " + total);
        assertTrue(chiSquare < 16.3, "letters " + java.util.Arrays.toString(letters) + " chi2 " + chiSquare);
    }

    @Test
    void directFeaturePositionsStayWithinLookback() {
        for (Case c : cases(Lang.ZH, 5)) {
            Question q = c.built().question();
            if (q.subtask() == Subtask.DF) {
                int position = position(stem(q), Lang.ZH);
                assertTrue(position >= 1 && position <= Math.min(20, c.context().size()), q.question());
                assertEquals(position, c.built().facts().position(), "facts carry the position");
            }
        }
    }

    private static String expected(Case c, Lang lang) {
        Question q = c.built().question();
        String stem = stem(q);
        List<Event> context = c.context();
        return switch (q.subtask()) {
            case DF -> attributeIn(stem, lang).of(context.get(context.size() - position(stem, lang)), TinyWorld.TEXT);
            case MF -> {
                Matcher quoted = QUOTED.matcher(stem);
                if (!quoted.find()) {
                    yield String.valueOf(context.size());
                }
                Attribute attribute = attributeIn(stem, lang);
                yield String.valueOf(context.stream().filter(e -> attribute.of(e, TinyWorld.TEXT).equals(quoted.group(1))).count());
            }
            case IP -> TinyWorld.TEXT.title(c.next());
            case AP -> attributeIn(stem, lang).of(c.next(), TinyWorld.TEXT);
            case LI -> {
                List<Map.Entry<String, Integer>> ranked = ranked(context, attributeIn(stem, lang));
                for (int i = 1; i < Math.min(4, ranked.size()); i++) {
                    assertTrue(ranked.get(i - 1).getValue() > ranked.get(i).getValue(), "no tie among the first four");
                }
                yield String.join(lang == Lang.ZH ? "、" : ", ",
                        ranked.subList(0, 3).stream().map(Map.Entry::getKey).toList());
            }
            case SI -> leader(context.subList(context.size() - 10, context.size()), attributeIn(stem, lang));
            case IT -> {
                int n = context.size();
                int w = c.built().facts().window();
                assertTrue(stem.contains(String.valueOf(3 * w)) && w >= 7 && w <= 13, "window " + w + " in " + stem);
                List<String> path = List.of(leader(context.subList(n - 3 * w, n - 2 * w), Attribute.CATEGORY),
                        leader(context.subList(n - 2 * w, n - w), Attribute.CATEGORY),
                        leader(context.subList(n - w, n), Attribute.CATEGORY));
                assertFalse(path.get(0).equals(path.get(1)) || path.get(1).equals(path.get(2)), "no repeat: " + path);
                for (String option : q.options()) {
                    String[] steps = option.split(" -> ");
                    assertEquals(3, steps.length, option);
                    assertFalse(steps[0].equals(steps[1]) || steps[1].equals(steps[2]), "distractor repeats: " + option);
                }
                yield String.join(" -> ", path);
            }
        };
    }

    /** Whether a count range label ("3", "4-7", "16+") holds the value. */
    static boolean inRange(String label, int value) {
        if (label.endsWith("+")) {
            return value >= Integer.parseInt(label.substring(0, label.length() - 1));
        }
        String[] bounds = label.split("-");
        return value >= Integer.parseInt(bounds[0]) && value <= Integer.parseInt(bounds[bounds.length - 1]);
    }

    private static String stem(Question q) {
        return q.question().substring(0, q.question().indexOf('\n'));
    }

    private static int position(String stem, Lang lang) {
        Matcher m = (lang == Lang.ZH ? POSITION_ZH : POSITION_EN).matcher(stem);
        assertTrue(m.find(), stem);
        return Integer.parseInt(m.group(1));
    }

    /** The attribute a stem names (category / brand / shop, in the stem's language). */
    private static Attribute attributeIn(String stem, Lang lang) {
        String withoutNames = QUOTED.matcher(stem).replaceAll("");
        Attribute found = null;
        for (Attribute attribute : Attribute.values()) {
            String label = lang == Lang.ZH ? attribute.label(lang)
                    : switch (attribute) {
                        case CATEGORY -> "categor";
                        case BRAND -> "brand";
                        case SHOP -> "shop";
                    };
            if (withoutNames.contains(label)) {
                assertEquals(null, found, "one attribute named in: " + stem);
                found = attribute;
            }
        }
        assertTrue(found != null, "attribute named in: " + stem);
        return found;
    }

    private static List<Map.Entry<String, Integer>> ranked(List<Event> events, Attribute attribute) {
        Map<String, Integer> counts = new HashMap<>();
        Function<Event, String> name = e -> attribute.of(e, TinyWorld.TEXT);
        events.forEach(e -> counts.merge(name.apply(e), 1, Integer::sum));
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
        return entries;
    }

    private static String leader(List<Event> events, Attribute attribute) {
        List<Map.Entry<String, Integer>> ranked = ranked(events, attribute);
        assertTrue(ranked.size() == 1 || ranked.get(0).getValue() > ranked.get(1).getValue(), "clear leader");
        return ranked.get(0).getKey();
    }
}
