package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option scores agree with log-probabilities recomputed one sequence at a time. */
class OptionScorerTest {
    private static final long[] LETTERS = {6, 7, 8, 9};

    private static Decoder model() {
        Decoder d = Decoder.create(TinyModels.qwen2(true), 21);
        d.freeze();
        return d;
    }

    /** log_softmax of the last position's logits of one unpadded sequence, at token {@code id}. */
    private static double logProbAlone(Decoder d, Tensor embeds, long id) {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor logits = d.forward(embeds.unsqueeze(0), null);
            return Tensors.toFloats(logits.select(1, logits.size(1) - 1).log_softmax(-1))[(int) id];
        }
    }

    @Test
    void letterLogProbsOfAPaddedBatchEqualEachPromptAlone() {
        try (PointerScope scope = new PointerScope()) {
            Decoder d = model();
            Tensor soft = Tensors.fromFloats(new float[2 * 32], 2, 32).add(new org.bytedeco.pytorch.Scalar(0.5));
            List<Tensor> prompts = List.of(
                    SoftPrompt.splice(d, new long[] {1, 4, 12, 13, 14, 15, 2, 1, 5}, soft, SoftPrompt.Placement.START, -1),
                    SoftPrompt.splice(d, new long[] {1, 4, 17, 2, 1, 5}, soft, SoftPrompt.Placement.START, -1));
            Tensor[] batch = SoftPrompt.leftPad(prompts);
            float[][] scores = OptionScorer.answerLogProbs(d, batch[0], batch[1], LETTERS);
            for (int b = 0; b < prompts.size(); b++) {
                for (int l = 0; l < LETTERS.length; l++) {
                    assertEquals(logProbAlone(d, prompts.get(b), LETTERS[l]), scores[b][l], 1e-5, "row " + b + " letter " + l);
                }
            }
            long[] greedy = OptionScorer.greedyNextToken(d, batch[0], batch[1]);
            long[] viaGeneration = Generation.generate(d, batch[0], batch[1], Generation.Settings.greedy(1, List.of()))
                    .stream().mapToLong(row -> row[0]).toArray();
            assertArrayEquals(viaGeneration, greedy);
        }
    }

    @Test
    void aBatchOfPromptsScoresItsOptionsAsEachPromptAlone() {
        try (PointerScope scope = new PointerScope()) {
            Decoder d = model();
            List<Tensor> prompts = List.of(
                    d.embed(Tensors.fromLongs(new long[] {1, 4, 14, 16, 15, 2, 1, 5}, 8)),
                    d.embed(Tensors.fromLongs(new long[] {1, 4, 17, 2, 1, 5}, 6)),
                    d.embed(Tensors.fromLongs(new long[] {3, 1, 4, 12, 13, 14, 15, 16, 2, 1, 5}, 11)));
            List<List<long[]>> options = List.of(
                    List.of(new long[] {6}, new long[] {10, 19, 12}, new long[] {17, 18}),
                    List.of(new long[] {6, 7}, new long[] {7}, new long[] {9, 9, 9, 9}, new long[] {11}),
                    List.of(new long[] {12, 13}, new long[] {8}));
            OptionScorer.OptionScore[][] batch = OptionScorer.optionLogLikelihoods(d, prompts, options);
            OptionScorer.OptionScore[][] rowByRow = OptionScorer.optionLogLikelihoods(d, prompts, options, 1);
            assertEquals(3, batch.length);
            for (int b = 0; b < prompts.size(); b++) {
                OptionScorer.OptionScore[] alone = OptionScorer.optionLogLikelihoods(d, prompts.get(b), options.get(b));
                assertEquals(options.get(b).size(), batch[b].length);
                for (int i = 0; i < alone.length; i++) {
                    assertEquals(alone[i].logLikelihood(), batch[b][i].logLikelihood(), 1e-4, "prompt " + b + " option " + i);
                    assertEquals(alone[i].tokens(), batch[b][i].tokens());
                    // The head's product over one prompt's rows instead of all three: the same sums, but the BLAS
                    // may block a product of another row count differently (bytedeco's OpenBLAS on an AVX2 Zen 3
                    // differs in the last bits; on AVX-512 it was bit-identical), so to float rounding, not to the bit.
                    assertEquals(batch[b][i].logLikelihood(), rowByRow[b][i].logLikelihood(), 1e-5,
                            "logits taken one prompt's row at a time");
                    assertEquals(batch[b][i].tokens(), rowByRow[b][i].tokens());
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> OptionScorer.optionLogLikelihoods(d, prompts, options.subList(0, 2)));
        }
    }

    @Test
    void aSharedPrefixRunOnceScoresAsTheWholePrompts() {
        try (PointerScope scope = new PointerScope()) {
            Decoder d = model();
            long[] prefix = {1, 4, 12, 13, 14, 15, 16, 12, 13};
            long[][] rests = {{17, 2, 1, 5}, {14, 2, 1, 5, 3, 3, 18}, {5}};
            List<Tensor> whole = new java.util.ArrayList<>();
            List<Tensor> own = new java.util.ArrayList<>();
            for (long[] rest : rests) {
                long[] ids = java.util.Arrays.copyOf(prefix, prefix.length + rest.length);
                System.arraycopy(rest, 0, ids, prefix.length, rest.length);
                whole.add(d.embed(Tensors.fromLongs(ids, ids.length)));
                own.add(d.embed(Tensors.fromLongs(rest, rest.length)));
            }
            Tensor prefixEmbeds = d.embed(Tensors.fromLongs(prefix, prefix.length));
            List<List<long[]>> options = List.of(
                    List.of(new long[] {6}, new long[] {10, 19, 12}, new long[] {17, 18}),
                    List.of(new long[] {6, 7}, new long[] {7}, new long[] {9, 9, 9, 9}, new long[] {11}),
                    List.of(new long[] {12, 13}, new long[] {8}));
            OptionScorer.OptionScore[][] shared = OptionScorer.optionLogLikelihoods(d, prefixEmbeds, own, options);
            long[] greedyShared = OptionScorer.greedyNextToken(d, prefixEmbeds, own);
            for (int b = 0; b < rests.length; b++) {
                OptionScorer.OptionScore[] alone = OptionScorer.optionLogLikelihoods(d, whole.get(b), options.get(b));
                for (int i = 0; i < alone.length; i++) {
                    assertEquals(alone[i].logLikelihood(), shared[b][i].logLikelihood(), 1e-4, "prompt " + b + " option " + i);
                    assertEquals(alone[i].tokens(), shared[b][i].tokens());
                }
                long[] greedyAlone = OptionScorer.greedyNextToken(d, whole.get(b).unsqueeze(0), (Tensor) null);
                assertEquals(greedyAlone[0], greedyShared[b], "greedy token of prompt " + b);
            }
            // one prompt after the prefix: no padding at all
            OptionScorer.OptionScore[][] single = OptionScorer.optionLogLikelihoods(d, prefixEmbeds, own.subList(0, 1),
                    options.subList(0, 1));
            assertEquals(shared[0][1].logLikelihood(), single[0][1].logLikelihood(), 1e-4);
            // every prompt keeps a token of its own: the first option token is read after it
            List<Tensor> empty = List.of(own.get(0), d.embed(Tensors.fromLongs(new long[0], 0)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OptionScorer.optionLogLikelihoods(d, prefixEmbeds, empty, options.subList(0, 2)));
            assertTrue(e.getMessage().contains("prompt 1 has no tokens after the shared prefix"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> OptionScorer.greedyNextToken(d, (Tensor) null, own));
        }
    }

    @Test
    void optionLogLikelihoodsEqualTokenByTokenRecomputation() {
        try (PointerScope scope = new PointerScope()) {
            Decoder d = model();
            Tensor prompt = d.embed(Tensors.fromLongs(new long[] {1, 4, 14, 16, 15, 2, 1, 5}, 8));     // [T, H]
            for (List<long[]> options : List.of(List.of(new long[] {6}, new long[] {10, 19, 12}, new long[] {17, 18}),
                    List.of(new long[] {6}, new long[] {7}, new long[] {9}, new long[] {11}))) {
            OptionScorer.OptionScore[] scores = OptionScorer.optionLogLikelihoods(d, prompt, options);
            for (int i = 0; i < options.size(); i++) {
                double expected = 0;
                Tensor sequence = prompt;
                for (long token : options.get(i)) {
                    expected += logProbAlone(d, sequence, token);
                    sequence = torch.cat(new TensorVector(sequence, d.embed(Tensors.fromLongs(new long[] {token}, 1))), 0);
                }
                assertEquals(expected, scores[i].logLikelihood(), 1e-4, "option " + i);
                assertEquals(options.get(i).length, scores[i].tokens());
                assertTrue(scores[i].logLikelihood() < 0);
            }
            }
        }
    }

    @Test
    void letterIdsComeFromTheTokenizerAndMustBeSingleTokens() {
        try (LlmTokenizer tokenizer = LlmTokenizer.load(TinyModels.tokenizer())) {
            assertArrayEquals(LETTERS, OptionScorer.letterTokenIds(tokenizer, List.of("A", "B", "C", "D")));
            UqaException e = assertThrows(UqaException.class,
                    () -> OptionScorer.letterTokenIds(tokenizer, List.of("A B")));
            assertTrue(e.getMessage().contains("'A B' is 2 tokens"), e.getMessage());
        }
    }

    @Test
    void rightPaddedPromptsAreRefusedForAnswerScoring() {
        try (PointerScope scope = new PointerScope()) {
            Decoder d = model();
            Tensor embeds = d.embed(Tensors.fromLongs(new long[][] {{1, 4, 17}}));
            Tensor mask = Tensors.fromLongs(new long[][] {{1, 1, 0}});
            assertThrows(IllegalArgumentException.class, () -> OptionScorer.answerLogProbs(d, embeds, mask, LETTERS));
        }
    }
}
