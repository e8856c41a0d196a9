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
    void tiersHoldAtLeastEightNamesAndDrawsStayInTheAnswersTier() {
        TieredNames names = TieredNames.of(zipf("n", 200));
        Random rng = new Random(1);
        // n1 (10,000 clicks) shares its tier with the next most clicked (at least seven, up to the end
        // of the power of two the eighth one falls in: n9 has 1,111 clicks like n8's 1,250), never with the tail
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(names.drawLike("n1", Set.of("n1"), rng));
        }
        assertEquals(Set.of("n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"), seen);
        String tail = names.drawLike("n190", Set.of(), rng);
        assertTrue(Integer.parseInt(tail.substring(1)) > 8, tail);
        assertNull(names.drawLike("unknown", Set.of(), rng));
        assertFalse(names.contains(""));
    }

    @Test
    void drawsFollowTheWeightsWithinATier() {
        Map<String, Long> weights = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            weights.put("w" + i, i < 4 ? 300L : 100L);    // log2: 8 vs 6: two bit classes, merged to reach 8 names
        }
        TieredNames names = TieredNames.of(weights);
        Random rng = new Random(3);
        int heavy = 0;
        int draws = 40_000;
        for (int i = 0; i < draws; i++) {
            String name = names.drawLike("w0", Set.of(), rng);
            heavy += Integer.parseInt(name.substring(1)) < 4 ? 1 : 0;
        }
        assertEquals(0.75, (double) heavy / draws, 0.01, "three quarters of the weight is on w0-w3");
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
        QuestionConfig config = new QuestionConfig(Lang.ZH, 20, 10, 10, 50, QuestionConfig.uniform(1), QuestionConfig.uniform(1));
        List<BuiltQuestion> built = QuestionBuilder.fitted(config, TinyWorld.TEXT, TinyWorld.pool(users), users, 9)
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
