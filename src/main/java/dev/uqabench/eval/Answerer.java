package dev.uqabench.eval;

import dev.uqabench.align.Adapter;
import dev.uqabench.align.StateEncoder;
import dev.uqabench.data.UserSequence;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.OptionScorer;
import dev.uqabench.llm.PaddedPrompts;
import dev.uqabench.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Answers questions the way the reference does: one greedy token after the generation prompt.
 * Soft tokens, when present, go before the whole prompt.
 */
public final class Answerer {

    /** A question to answer: its text (for the prompt) and the user sequence it is about. */
    public record Item(String userTurn, UserSequence sequence) {
    }

    /** The greedy token of one item, and how many tokens its prompt had (soft tokens included). */
    public record Answer(String text, long tokenId, int promptTokens, double seconds) {
    }

    /** Soft-prompt source: an encoder and its adapter, or nothing for text-only variants. */
    public record SoftPrompt(StateEncoder encoder, Adapter adapter) {
    }

    @FunctionalInterface
    public interface Listener {
        void onBatch(int done, int total);
    }

    /**
     * Padded prompt tokens of one option-likelihood batch. Short prompts gain from batching (the tiny LLM's 45-token
     * questions: 2-2.5 ms each at 8 a batch against 4.7-5 alone), long ones lose (its 300-430-token text contexts:
     * 12.5 ms each in pairs, 8.5 alone: the masked, left-padded pass costs more than the batch saves), so a batch
     * is cut where its padded prompts would pass this many tokens.
     */
    static final int LIKELIHOOD_BATCH_TOKENS = 512;

    /**
     * Consecutive questions whose prompts begin with at least this many identical tokens (a text baseline's questions
     * about one user: the history written out, then the question) run that prefix once ({@link
     * OptionScorer#optionLogLikelihoods(Decoder, Tensor, List, List)}). Shorter common beginnings (the chat template's
     * opening, a question's first words) are not worth a cache copy.
     */
    public static final int SHARED_PREFIX_MIN_TOKENS = 32;

    private Answerer() {
    }

    /**
     * Answers by option likelihood: the predicted letter is that of the option whose text (with the
     * end-of-turn token) has the highest log-probability after the prompt. Up to {@code batchSize} questions are
     * scored at a time ({@link OptionScorer#optionLogLikelihoods(Decoder, List, List)}) while their padded prompts
     * stay within {@link #LIKELIHOOD_BATCH_TOKENS}.
     *
     * @param options per item, the token ids of its four options in order A-D
     */
    public static List<Answer> answerByLikelihood(List<Item> items, List<List<long[]>> options, Decoder llm,
                                                  Function<String, long[]> promptIds, SoftPrompt soft, int batchSize,
                                                  Listener listener) {
        return answerByLikelihood(items, options, llm, promptIds, soft, batchSize, SHARED_PREFIX_MIN_TOKENS, listener);
    }

    /**
     * The same, prompts sharing at least {@code sharedPrefixMinTokens} leading tokens running their prefix once
     * ({@link Integer#MAX_VALUE}: every prompt runs whole). Soft-token variants always run whole prompts: their soft
     * tokens come first and differ by question.
     */
    public static List<Answer> answerByLikelihood(List<Item> items, List<List<long[]>> options, Decoder llm,
                                                  Function<String, long[]> promptIds, SoftPrompt soft, int batchSize,
                                                  int sharedPrefixMinTokens, Listener listener) {
        List<Answer> answers = new ArrayList<>(items.size());
        List<long[]> promptIdsOf = new ArrayList<>(items.size());
        for (Item item : items) {
            promptIdsOf.add(promptIds.apply(item.userTurn()));
        }
        int extra = soft == null ? 0 : soft.adapter().tokens();
        for (int start = 0, end; start < items.size(); start = end) {
            dev.uqabench.base.StopRequest.check("question " + (start + 1) + " of " + items.size());
            SharedPrefix group = soft == null ? SharedPrefix.from(promptIdsOf, start, batchSize, sharedPrefixMinTokens)
                    : null;
            if (group != null) {
                end = group.end();
            } else {
                // as many questions as fit the token budget: long text contexts go one at a time
                long longest = promptIdsOf.get(start).length + extra;
                for (end = start + 1; end < items.size() && end - start < batchSize; end++) {
                    long next = Math.max(longest, promptIdsOf.get(end).length + extra);
                    if ((end - start + 1) * next > LIKELIHOOD_BATCH_TOKENS) {
                        break;
                    }
                    longest = next;
                }
            }
            List<Item> batch = items.subList(start, end);
            long t0 = System.nanoTime();
            int[] promptTokens = new int[batch.size()];
            OptionScorer.OptionScore[][] scores;
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor softTokens = softTokens(soft, batch);                                           // [B, k, D]
                int skip = group == null ? 0 : group.tokens();
                List<Tensor> embeds = new ArrayList<>(batch.size());
                for (int b = 0; b < batch.size(); b++) {
                    long[] prompt = promptIdsOf.get(start + b);
                    Tensor e = embed(llm, prompt, skip, prompt.length);                                // [T, D]
                    promptTokens[b] = prompt.length;
                    if (softTokens != null) {
                        Tensor tokens = softTokens.select(0, b);                                       // [k, D]
                        promptTokens[b] += (int) tokens.size(0);
                        e = org.bytedeco.pytorch.global.torch.cat(
                                new org.bytedeco.pytorch.TensorVector(tokens.to(e.scalar_type()), e), 0);
                    }
                    embeds.add(e);
                }
                List<List<long[]>> batchOptions = options.subList(start, start + batch.size());
                if (group != null) {
                    Tensor prefixEmbeds = embed(llm, promptIdsOf.get(start), 0, skip);                 // [P, D]
                    scores = OptionScorer.optionLogLikelihoods(llm, prefixEmbeds, embeds, batchOptions);
                } else {
                    scores = OptionScorer.optionLogLikelihoods(llm, embeds, batchOptions);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9 / batch.size();
            for (int b = 0; b < batch.size(); b++) {
                int best = 0;
                for (int o = 1; o < scores[b].length; o++) {
                    if (scores[b][o].logLikelihood() > scores[b][best].logLikelihood()) {
                        best = o;
                    }
                }
                answers.add(new Answer(String.valueOf((char) ('A' + best)), -1, promptTokens[b], seconds));
            }
            listener.onBatch(start + batch.size(), items.size());
        }
        return answers;
    }

    /**
     * Questions [start, end) whose prompts begin with the same {@code tokens} ids, each keeping at least one token of
     * its own; their own parts, left-padded, stay within {@link #LIKELIHOOD_BATCH_TOKENS}.
     */
    record SharedPrefix(int end, int tokens) {

        /** The longest such run from {@code start} (at most {@code batchSize}, at least two), or null. */
        static SharedPrefix from(List<long[]> prompts, int start, int batchSize, int minTokens) {
            long[] first = prompts.get(start);
            int shared = first.length - 1;
            int longest = first.length;
            int end = start + 1;
            while (end < prompts.size() && end - start < batchSize) {
                long[] next = prompts.get(end);
                int common = Math.min(Math.min(shared, next.length - 1), commonPrefix(first, next));
                int longestWith = Math.max(longest, next.length);
                if (common < minTokens || (long) (end - start + 1) * (longestWith - common) > LIKELIHOOD_BATCH_TOKENS) {
                    break;
                }
                shared = common;
                longest = longestWith;
                end++;
            }
            return end - start >= 2 ? new SharedPrefix(end, shared) : null;
        }

        private static int commonPrefix(long[] a, long[] b) {
            int n = Math.min(a.length, b.length);
            int i = 0;
            while (i < n && a[i] == b[i]) {
                i++;
            }
            return i;
        }
    }

    /** Token embeddings [to - from, D] of {@code ids[from, to)}. */
    private static Tensor embed(Decoder llm, long[] ids, int from, int to) {
        long[] part = Arrays.copyOfRange(ids, from, to);
        return llm.embed(Tensor.create(part, 1, part.length)).squeeze(0);
    }

    /** The soft tokens [B, k, D] of a batch's users, or null for a text-only variant. */
    private static Tensor softTokens(SoftPrompt soft, List<Item> batch) {
        if (soft == null) {
            return null;
        }
        List<UserSequence> sequences = new ArrayList<>(batch.size());
        for (Item item : batch) {
            sequences.add(item.sequence());
        }
        StateEncoder.Encoded encoded = StateEncoder.forAdapter(soft.encoder(), soft.adapter(), sequences, false);
        return soft.adapter().softTokens(encoded.states(), encoded.lengths());
    }

    /**
     * @param promptIds   renders a user turn through the chat template (generation prompt added) to token ids
     * @param decodeToken one token id to its text
     * @param soft        null for text-only variants
     */
    public static List<Answer> answer(List<Item> items, Decoder llm, Function<String, long[]> promptIds,
                                      LongFunction<String> decodeToken, long padId, SoftPrompt soft, int batchSize,
                                      Listener listener) {
        return answer(items, llm, promptIds, decodeToken, padId, soft, batchSize, SHARED_PREFIX_MIN_TOKENS, listener);
    }

    /**
     * The same, consecutive prompts sharing at least {@code sharedPrefixMinTokens} leading tokens running their prefix
     * once ({@link Integer#MAX_VALUE}: never); the others go {@code batchSize} at a time, right-padded.
     */
    public static List<Answer> answer(List<Item> items, Decoder llm, Function<String, long[]> promptIds,
                                      LongFunction<String> decodeToken, long padId, SoftPrompt soft, int batchSize,
                                      int sharedPrefixMinTokens, Listener listener) {
        List<Answer> answers = new ArrayList<>(items.size());
        List<long[]> promptIdsOf = new ArrayList<>(items.size());
        for (Item item : items) {
            promptIdsOf.add(promptIds.apply(item.userTurn()));
        }
        for (int start = 0, end; start < items.size(); start = end) {
            dev.uqabench.base.StopRequest.check("question " + (start + 1) + " of " + items.size());
            SharedPrefix group = soft == null ? SharedPrefix.from(promptIdsOf, start, batchSize, sharedPrefixMinTokens)
                    : null;
            end = group != null ? group.end() : Math.min(items.size(), start + batchSize);
            List<Item> batch = items.subList(start, end);
            long t0 = System.nanoTime();
            List<long[]> prompts = promptIdsOf.subList(start, end);
            long[] best;
            int softTokens;
            if (group != null) {
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    List<Tensor> rests = new ArrayList<>(prompts.size());
                    for (long[] prompt : prompts) {
                        rests.add(embed(llm, prompt, group.tokens(), prompt.length));                  // [T, D]
                    }
                    Tensor prefixEmbeds = embed(llm, prompts.get(0), 0, group.tokens());              // [P, D]
                    best = OptionScorer.greedyNextToken(llm, prefixEmbeds, rests);
                }
                softTokens = 0;
            } else {
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    Tensor softTokensTensor = softTokens(soft, batch);
                    PaddedPrompts padded = PaddedPrompts.of(prompts, padId);
                    PaddedPrompts.Inputs in = padded.inputs(llm, softTokensTensor);
                    long[] lastPositions = padded.lastPositions(in.softTokens());
                    Tensor rows = Tensors.fromLongs(lastPositions, lastPositions.length, 1);           // [B, 1]
                    Tensor last = llm.logits(llm.hiddenAt(in.embeds(), in.mask(), rows).squeeze(1));  // [B, V]
                    Tensor argmax = last.argmax(new org.bytedeco.pytorch.LongOptional(1), false);
                    best = new long[batch.size()];
                    for (int b = 0; b < batch.size(); b++) {
                        best[b] = argmax.select(0, b).item_long();
                    }
                    softTokens = in.softTokens();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9 / batch.size();
            for (int b = 0; b < batch.size(); b++) {
                answers.add(new Answer(decodeToken.apply(best[b]), best[b], prompts.get(b).length + softTokens,
                        seconds));
            }
            listener.onBatch(end, items.size());
        }
        return answers;
    }
}
