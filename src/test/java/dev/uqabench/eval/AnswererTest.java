package dev.uqabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    /** The prompt of user turn "N:seed" is N pseudo-random token ids. */
    private static long[] promptIds(String userTurn) {
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
        int[] batches = {0};
        List<Answerer.Answer> answers = Answerer.answerByLikelihood(items, options, llm, AnswererTest::promptIds, null,
                batchSize, (done, total) -> batches[0]++);
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
}
