package dev.uqabench.qa;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionSamplerTest {

    private static Map<String, Long> zipf(String prefix, int names) {
        Map<String, Long> weights = new HashMap<>();
        for (int i = 1; i <= names; i++) {
            weights.put(prefix + i, Math.max(1, 10_000L / i));
        }
        return weights;
    }

    @Test
    void tiersAreNarrowAndDrawsStayInTheAnswersTier() {
        TieredNames names = TieredNames.of(zipf("n", 200));
        Random rng = new Random(1);
        // n1..n3 (10,000 to 3,333 clicks) are too few for a tier of their own: merged with the next half power of two
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(names.drawLike("n1", Set.of("n1"), rng));
        }
        assertTrue(seen.size() >= 3 && seen.stream().allMatch(n -> Integer.parseInt(n.substring(1)) <= 8), seen.toString());
        String tail = names.drawLike("n190", Set.of(), rng);
        assertTrue(Integer.parseInt(tail.substring(1)) > 100, tail);
        assertNull(names.drawLike("unknown", Set.of(), rng));
        assertEquals(0, names.acceptance("unknown"));
        assertFalse(names.contains(""));
    }

    /** Thinning by acceptance makes every name of a tier equally often the answer, and draws are uniform. */
    @Test
    void acceptanceEqualisesAnswersWithinATier() {
        Map<String, Long> weights = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            weights.put("w" + i, i < 3 ? 140L : 100L);      // one half power of two: 128..181 vs 90..128, merged (3 < 4)
        }
        TieredNames names = TieredNames.of(weights);
        assertEquals(100.0 / 140, names.acceptance("w0"), 1e-12);
        assertEquals(1.0, names.acceptance("w5"), 1e-12);
        Random rng = new Random(3);
        int[] kept = new int[6];
        for (int i = 0; i < 120_000; i++) {
            int answer = rng.nextDouble() < 420.0 / 720 ? rng.nextInt(3) : 3 + rng.nextInt(3);   // answers follow the weights
            if (rng.nextDouble() < names.acceptance("w" + answer)) {
                kept[answer]++;
            }
        }
        int total = java.util.Arrays.stream(kept).sum();
        for (int k : kept) {
            assertEquals(1.0 / 6, (double) k / total, 0.01, java.util.Arrays.toString(kept));
        }
        int[] drawn = new int[6];
        for (int i = 0; i < 60_000; i++) {
            drawn[Integer.parseInt(names.drawLike("w0", Set.of("w0"), rng).substring(1))]++;
        }
        assertEquals(0, drawn[0]);
        for (int d = 1; d < 6; d++) {
            assertEquals(0.2, drawn[d] / 60_000.0, 0.01, java.util.Arrays.toString(drawn));
        }
    }

    @Test
    void countRangesAreCutAtQuartilesAndThinnedToEqualShares() {
        List<Integer> answers = new ArrayList<>();
        Random rng = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            answers.add(1 + (int) Math.floor(-Math.log(1 - rng.nextDouble()) * 4));   // many 1s, long tail
        }
        CountBins bins = CountBins.fit(answers);
        assertNotNull(bins);
        List<String> labels = bins.labels();
        assertEquals(4, new HashSet<>(labels).size(), labels.toString());
        assertTrue(labels.get(3).endsWith("+"), labels.toString());
        int[] kept = new int[4];
        for (int answer : answers) {
            int bin = bins.binOf(answer);
            assertTrue(QuestionBuildersTest.inRange(labels.get(bin), answer), answer + " in " + labels.get(bin));
            if (bins.keep(bin, rng)) {
                kept[bin]++;
            }
        }
        int total = kept[0] + kept[1] + kept[2] + kept[3];
        for (int k : kept) {
            assertEquals(0.25, (double) k / total, 0.02, "every range equally often right: " + java.util.Arrays.toString(kept));
        }
        assertNull(CountBins.fit(List.of(1, 1, 2, 3)), "four ranges need four distinct values");
    }

    @Test
    void anAnswerTheAlignmentSetNeverClickedIsDropped() {
        Map<String, Map<String, Long>> clicks = Map.of(OptionSlots.clicks(Attribute.CATEGORY), zipf("c", 20));
        OptionSampler sampler = OptionSampler.fit(Lang.ZH, clicks, List.of());
        Ask known = Ask.name("stem", OptionSlots.clicks(Attribute.CATEGORY), "c3", QuestionFacts.of(Attribute.CATEGORY));
        Ask unknown = Ask.name("stem", OptionSlots.clicks(Attribute.CATEGORY), "never", QuestionFacts.of(Attribute.CATEGORY));
        assertTrue(sampler.draft(known, new Random(1)).isPresent());
        assertTrue(sampler.draft(unknown, new Random(1)).isEmpty());
        Map<String, Map<String, Long>> tooFew = Map.of(OptionSlots.clicks(Attribute.CATEGORY), zipf("c", 3));
        assertTrue(OptionSampler.fit(Lang.ZH, tooFew, List.of()).draft(known, new Random(1)).isEmpty(),
                "three names cannot make four options");
    }

    /**
     * The strongest option-only prior: how often each option string was right on half the users'
     * alignment questions, scored on the other half. Chance is 25 %; 2,000+ questions keep a fair
     * generator under 30 % (the bound is 4 standard errors above chance).
     */
    @Test
    void anOptionStringsAnswerRateOnOtherUsersDoesNotPredictTheAnswer() {
        List<dev.uqabench.data.UserSequence> users = TinyWorld.users(600, 9);
        QuestionConfig config = new QuestionConfig(Lang.ZH, 20, 10, 10, QuestionConfig.uniform(1), QuestionConfig.uniform(1));
        List<BuiltQuestion> built = QuestionBuilder.fittedOnHistories(config, TinyWorld.TEXT, TinyWorld.pool(users), users, 9)
                .alignmentSet(users, 9);
        Map<String, int[]> rates = new HashMap<>();
        List<Question> scored = new ArrayList<>();
        for (BuiltQuestion b : built) {
            Question q = b.question();
            if (Integer.parseInt(q.user().substring(1)) % 2 == 0) {
                for (int o = 0; o < 4; o++) {
                    int[] r = rates.computeIfAbsent(q.subtask().code() + "|" + q.options().get(o), k -> new int[2]);
                    r[0] += o == q.answerIndex() ? 1 : 0;
                    r[1]++;
                }
            } else {
                scored.add(q);
            }
        }
        int hits = 0;
        for (Question q : scored) {
            int best = 0;
            double bestRate = -1;
            for (int o = 0; o < 4; o++) {
                int[] r = rates.getOrDefault(q.subtask().code() + "|" + q.options().get(o), new int[2]);
                double rate = (r[0] + 1.0) / (r[1] + 4.0);
                if (rate > bestRate) {
                    bestRate = rate;
                    best = o;
                }
            }
            hits += best == q.answerIndex() ? 1 : 0;
        }
        assertTrue(scored.size() >= 1500, "enough questions: " + scored.size());
        double accuracy = (double) hits / scored.size();
        assertTrue(accuracy < 0.30, "answer-rate prior scores " + accuracy + " on " + scored.size());
    }
}
