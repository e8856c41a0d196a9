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

    private Answerer() {
    }

    /**
     * Answers by option likelihood: the predicted letter is that of the option whose text (with the
     * end-of-turn token) has the highest log-probability after the prompt.
     *
     * @param options per item, the token ids of its four options in order A-D
     */
    public static List<Answer> answerByLikelihood(List<Item> items, List<List<long[]>> options, Decoder llm,
                                                  Function<String, long[]> promptIds, SoftPrompt soft, Listener listener) {
        List<Answer> answers = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            dev.uqabench.base.StopRequest.check("question " + (i + 1) + " of " + items.size());
            Item item = items.get(i);
            long t0 = System.nanoTime();
            long[] prompt = promptIds.apply(item.userTurn());
            int best = 0;
            int softTokens = 0;
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor embeds = llm.embed(Tensor.create(prompt, 1, prompt.length)).squeeze(0);          // [T, D]
                if (soft != null) {
                    StateEncoder.Encoded encoded = soft.encoder().encode(List.of(item.sequence()));
                    Tensor tokens = soft.adapter().softTokens(encoded.states(), encoded.lengths()).squeeze(0);  // [k, D]
                    softTokens = (int) tokens.size(0);
                    embeds = org.bytedeco.pytorch.global.torch.cat(
                            new org.bytedeco.pytorch.TensorVector(tokens.to(embeds.scalar_type()), embeds), 0);
                }
                OptionScorer.OptionScore[] scores = OptionScorer.optionLogLikelihoods(llm, embeds, options.get(i));
                for (int o = 1; o < scores.length; o++) {
                    if (scores[o].logLikelihood() > scores[best].logLikelihood()) {
                        best = o;
                    }
                }
            }
            answers.add(new Answer(String.valueOf((char) ('A' + best)), -1, prompt.length + softTokens,
                    (System.nanoTime() - t0) / 1e9));
            if ((i + 1) % 32 == 0 || i + 1 == items.size()) {
                listener.onBatch(i + 1, items.size());
            }
        }
        return answers;
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
                Tensor softTokensTensor = null;
                if (soft != null) {
                    List<UserSequence> sequences = new ArrayList<>(batch.size());
                    for (Item item : batch) {
                        sequences.add(item.sequence());
                    }
                    StateEncoder.Encoded encoded = soft.encoder().encode(sequences);
                    softTokensTensor = soft.adapter().softTokens(encoded.states(), encoded.lengths());
                }
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
