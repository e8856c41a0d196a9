package dev.uqabench.eval;

import dev.uqabench.align.Adapter;
import dev.uqabench.align.StateEncoder;
import dev.uqabench.data.UserSequence;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.OptionScorer;
import dev.uqabench.llm.PaddedPrompts;
import java.util.ArrayList;
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
        List<Answer> answers = new ArrayList<>(items.size());
        List<long[]> promptIdsOf = new ArrayList<>(items.size());
        for (Item item : items) {
            promptIdsOf.add(promptIds.apply(item.userTurn()));
        }
        int extra = soft == null ? 0 : soft.adapter().tokens();
        for (int start = 0, end; start < items.size(); start = end) {
            dev.uqabench.base.StopRequest.check("question " + (start + 1) + " of " + items.size());
            // as many questions as fit the token budget: long text contexts go one at a time
            long longest = promptIdsOf.get(start).length + extra;
            for (end = start + 1; end < items.size() && end - start < batchSize; end++) {
                long next = Math.max(longest, promptIdsOf.get(end).length + extra);
                if ((end - start + 1) * next > LIKELIHOOD_BATCH_TOKENS) {
                    break;
                }
                longest = next;
            }
            List<Item> batch = items.subList(start, end);
            long t0 = System.nanoTime();
            int[] promptTokens = new int[batch.size()];
            OptionScorer.OptionScore[][] scores;
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor softTokens = softTokens(soft, batch);                                           // [B, k, D]
                List<Tensor> embeds = new ArrayList<>(batch.size());
                for (int b = 0; b < batch.size(); b++) {
                    long[] prompt = promptIdsOf.get(start + b);
                    Tensor e = llm.embed(Tensor.create(prompt, 1, prompt.length)).squeeze(0);          // [T, D]
                    promptTokens[b] = prompt.length;
                    if (softTokens != null) {
                        Tensor tokens = softTokens.select(0, b);                                       // [k, D]
                        promptTokens[b] += (int) tokens.size(0);
                        e = org.bytedeco.pytorch.global.torch.cat(
                                new org.bytedeco.pytorch.TensorVector(tokens.to(e.scalar_type()), e), 0);
                    }
                    embeds.add(e);
                }
                scores = OptionScorer.optionLogLikelihoods(llm, embeds, options.subList(start, start + batch.size()));
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
        List<Answer> answers = new ArrayList<>(items.size());
        for (int start = 0; start < items.size(); start += batchSize) {
            dev.uqabench.base.StopRequest.check("question " + (start + 1) + " of " + items.size());
            List<Item> batch = items.subList(start, Math.min(items.size(), start + batchSize));
            long t0 = System.nanoTime();
            List<long[]> prompts = new ArrayList<>(batch.size());
            for (Item item : batch) {
                prompts.add(promptIds.apply(item.userTurn()));
            }
            long[] best;
            int softTokens;
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor softTokensTensor = softTokens(soft, batch);
                PaddedPrompts padded = PaddedPrompts.of(prompts, padId);
                PaddedPrompts.Inputs in = padded.inputs(llm, softTokensTensor);
                Tensor hidden = llm.hidden(in.embeds(), in.mask());                                  // [B, T, D]
                Tensor last = llm.logits(PaddedPrompts.gather(hidden, padded.lastPositions(in.softTokens())));  // [B, V]
                Tensor argmax = last.argmax(new org.bytedeco.pytorch.LongOptional(1), false);
                best = new long[batch.size()];
                for (int b = 0; b < batch.size(); b++) {
                    best[b] = argmax.select(0, b).item_long();
                }
                softTokens = in.softTokens();
            }
            double seconds = (System.nanoTime() - t0) / 1e9 / batch.size();
            for (int b = 0; b < batch.size(); b++) {
                answers.add(new Answer(decodeToken.apply(best[b]), best[b], prompts.get(b).length + softTokens, seconds));
            }
            listener.onBatch(Math.min(items.size(), start + batchSize), items.size());
        }
        return answers;
    }
}
