package dev.uqabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.uqabench.data.UserSequence;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.DecoderConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/**
 * Option-likelihood answers are the same whether questions are scored alone or in batches, and a batch is cut
 * where its padded prompts would pass the token budget (long text contexts go one at a time).
 */
class AnswererTest {

    /** The prompt of user turn "N:seed" is N pseudo-random token ids; "N:seed+M:seed2" is both in turn. */
    private static long[] promptIds(String userTurn) {
        int plus = userTurn.indexOf('+');
        if (plus >= 0) {
            long[] head = promptIds(userTurn.substring(0, plus));
            long[] tail = promptIds(userTurn.substring(plus + 1));
            long[] ids = java.util.Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, ids, head.length, tail.length);
            return ids;
        }
        String[] parts = userTurn.split(":");
        Random random = new Random(Long.parseLong(parts[1]));
        long[] ids = new long[Integer.parseInt(parts[0])];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + random.nextInt(18);
        return ids;
    }

    private static List<Answerer.Item> items(int count, int length, int lengthSpread) {
        Random random = new Random(length);
        List<Answerer.Item> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new Answerer.Item((length + random.nextInt(lengthSpread)) + ":" + i, new UserSequence("u" + i, List.of())));
        }
        return items;
    }

    private static List<List<long[]>> options(int count) {
        Random random = new Random(7);
        List<List<long[]>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<long[]> four = new ArrayList<>();
            for (int o = 0; o < 4; o++) {
                long[] ids = new long[1 + random.nextInt(3)];
                for (int j = 0; j < ids.length; j++) ids[j] = 1 + random.nextInt(18);
                four.add(ids);
            }
            out.add(four);
        }
        return out;
    }

    /** The answers and how many batches they came in. */
    private record Run(List<String> letters, List<Integer> prompts, int batches) {
    }

    private static Run answer(Decoder llm, List<Answerer.Item> items, List<List<long[]>> options, int batchSize) {
        return answer(llm, items, options, batchSize, Answerer.SHARED_PREFIX_MIN_TOKENS);
    }

    private static Run answer(Decoder llm, List<Answerer.Item> items, List<List<long[]>> options, int batchSize,
                              int sharedPrefixMinTokens) {
        int[] batches = {0};
        List<Answerer.Answer> answers = Answerer.answerByLikelihood(items, options, llm, AnswererTest::promptIds, null,
                batchSize, sharedPrefixMinTokens, (done, total) -> batches[0]++);
        return new Run(answers.stream().map(Answerer.Answer::text).toList(),
                answers.stream().map(Answerer.Answer::promptTokens).toList(), batches[0]);
    }

    @Test
    void batchesGiveTheAnswersOfOneQuestionAtATimeWithinTheTokenBudget() {
        try (PointerScope scope = new PointerScope()) {
            Decoder llm = Decoder.create(DecoderConfig.qwen2(20, 32, 48, 2, 4, 2, 1024, false), 5);
            llm.freeze();
            List<Answerer.Item> shortOnes = items(40, 20, 12);          // 20-31 tokens: 16 fit in 512
            List<List<long[]>> options = options(40);
            Run alone = answer(llm, shortOnes, options, 1);
            Run batched = answer(llm, shortOnes, options, 32);
            assertEquals(alone.letters(), batched.letters());
            assertEquals(alone.prompts(), batched.prompts());
            assertEquals(40, alone.batches());
            assertEquals(3, batched.batches(), "at most 16 prompts of <= 31 tokens in 512, at least 16 of <= 32");

            List<Answerer.Item> longOnes = items(6, 300, 100);          // 300-399 tokens: one at a time
            Run longBatched = answer(llm, longOnes, options.subList(0, 6), 32);
            assertEquals(6, longBatched.batches());
            assertEquals(answer(llm, longOnes, options.subList(0, 6), 1).letters(), longBatched.letters());
        }
    }

    /**
     * A text baseline's questions: per user a history of 200 tokens, then 2-5 questions of 20-39 tokens each; one user
     * with a single question.
     */
    private static List<Answerer.Item> userQuestions() {
        Random random = new Random(3);
        List<Answerer.Item> items = new ArrayList<>();
        int[] questions = {3, 1, 5, 2, 4};
        for (int user = 0; user < questions.length; user++) {
            for (int q = 0; q < questions[user]; q++) {
                items.add(new Answerer.Item("200:" + (1000 + user) + "+" + (20 + random.nextInt(20)) + ":" + items.size(),
                        new UserSequence("u" + user, List.of())));
            }
        }
        return items;
    }

    @Test
    void questionsSharingAUsersHistoryRunItOnceAndAnswerAsWholePrompts() {
        try (PointerScope scope = new PointerScope()) {
            Decoder llm = Decoder.create(DecoderConfig.qwen2(20, 32, 48, 2, 4, 2, 1024, false), 5);
            llm.freeze();
            List<Answerer.Item> items = userQuestions();
            List<List<long[]>> options = options(items.size());
            Run whole = answer(llm, items, options, 32, Integer.MAX_VALUE);
            Run shared = answer(llm, items, options, 32);
            assertEquals(whole.letters(), shared.letters());
            assertEquals(whole.prompts(), shared.prompts(), "the prompt's length counts the shared tokens");
            assertEquals(8, whole.batches(), "220-239 tokens: three prompts would pass 512");
            assertEquals(5, shared.batches(), "one batch per user, the lone question with the next one whole");

            List<Answerer.Answer> letters = Answerer.answer(items, llm, AnswererTest::promptIds, String::valueOf, 0, null,
                    32, (done, total) -> { });
            List<Answerer.Answer> lettersWhole = Answerer.answer(items, llm, AnswererTest::promptIds, String::valueOf, 0,
                    null, 32, Integer.MAX_VALUE, (done, total) -> { });
            assertEquals(lettersWhole.stream().map(Answerer.Answer::tokenId).toList(),
                    letters.stream().map(Answerer.Answer::tokenId).toList());
            assertEquals(lettersWhole.stream().map(Answerer.Answer::promptTokens).toList(),
                    letters.stream().map(Answerer.Answer::promptTokens).toList());
        }
    }

    @Test
    void aSharedPrefixGroupIsConsecutiveLongEnoughAndWithinTheBatch() {
        List<long[]> prompts = userQuestions().stream().map(item -> promptIds(item.userTurn())).toList();
        // users of 3, 1, 5, 2 and 4 questions: the lone question runs whole
        assertEquals(new Answerer.SharedPrefix(3, 200), Answerer.SharedPrefix.from(prompts, 0, 32, 32));
        assertNull(Answerer.SharedPrefix.from(prompts, 3, 32, 32));
        assertEquals(new Answerer.SharedPrefix(9, 200), Answerer.SharedPrefix.from(prompts, 4, 32, 32));
        assertEquals(new Answerer.SharedPrefix(6, 200), Answerer.SharedPrefix.from(prompts, 4, 2, 32), "batch size 2");
        assertNull(Answerer.SharedPrefix.from(prompts, 0, 32, 250), "a prefix shorter than the minimum is not shared");
        // a prompt that is all prefix keeps its last token for itself
        List<long[]> nested = List.of(promptIds("40:1"), promptIds("40:1+5:2"));
        assertEquals(new Answerer.SharedPrefix(2, 39), Answerer.SharedPrefix.from(nested, 0, 32, 32));
        // the own parts of a group stay within the token budget: 20 rests of 30 tokens would pass 512
        List<long[]> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) many.add(promptIds("100:9+30:" + i));
        assertEquals(new Answerer.SharedPrefix(17, 100), Answerer.SharedPrefix.from(many, 0, 32, 32));
    }
}
