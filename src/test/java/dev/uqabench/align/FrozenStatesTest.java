package dev.uqabench.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.ToyData;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The frozen encoder's cache serves the states the encoder computes, whatever batch a sequence is asked in, runs
 * the encoder only up front while its budget holds, and a learned prompt never runs the encoder at all.
 */
class FrozenStatesTest {

    private static final int ITEMS = 30;
    private static final PretrainConfig ENCODER = PretrainConfig.defaults("sasrec", "mini").withMaxLength(12).withSeed(5);
    private static final List<UserSequence> USERS = ToyData.strideUsers(10, ITEMS, 5, 12, 1);

    private static ToyStateEncoder toy() {
        ToyStateEncoder encoder = new ToyStateEncoder(ENCODER, ITEMS);
        encoder.module().train(false);
        return encoder;
    }

    /** The valid positions of row {@code row}, as floats. */
    private static float[] row(StateEncoder.Encoded e, int row) {
        long length = Tensors.toLongs(e.lengths())[row];
        return Tensors.toFloats(e.states().select(0, row).narrow(0, 0, length).contiguous());
    }

    @Test
    void servesTheEncodersStatesInAnyBatchAndEncodesEachSequenceOnce() {
        ToyStateEncoder encoder = toy();
        List<UserSequence> asked = new ArrayList<>(USERS);
        asked.addAll(USERS.subList(0, 4));                                   // repeated questions about 4 users
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
             FrozenStates cache = new FrozenStates(encoder, asked, 3, FrozenStates.DEFAULT_BUDGET_BYTES)) {
            assertEquals(USERS.size(), encoder.encoded, "each distinct sequence encoded once, up front");
            List<UserSequence> batch = List.of(USERS.get(7), USERS.get(2), USERS.get(7));
            StateEncoder.Encoded cached = cache.encode(batch);
            StateEncoder.Encoded direct = encoder.encode(batch);
            assertEquals(USERS.size(), encoder.encoded - 3, "the cache ran no encoder");
            for (int b = 0; b < batch.size(); b++) {
                assertEquals(Tensors.toLongs(direct.lengths())[b], Tensors.toLongs(cached.lengths())[b]);
                float[] want = row(direct, b);
                float[] got = row(cached, b);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-5f, "row " + b + " value " + i);
                }
            }
            // padding is zero, and the same sequence reads the same floats in any batch
            assertArrayEquals(row(cached, 0), row(cache.encode(List.of(USERS.get(7))), 0));
            assertEquals(new FrozenStates.Stats(USERS.size(), cache.stats().bytes(), 4, 0), cache.stats());
            assertTrue(cache.stats().bytes() > 0);
        }
    }

    @Test
    void pastItsBudgetTheCacheEncodesAsWithoutIt() {
        ToyStateEncoder encoder = toy();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
             FrozenStates cache = new FrozenStates(encoder, USERS, 4, 0)) {
            assertEquals(4, encoder.encoded, "one batch encoded before the budget was found full");
            assertEquals(0, cache.stats().entries());
            List<UserSequence> batch = USERS.subList(0, 3);
            assertArrayEquals(Tensors.toFloats(encoder.encode(batch).states()), Tensors.toFloats(cache.encode(batch).states()));
            assertEquals(3, cache.stats().misses());
        }
    }

    @Test
    void aLearnedPromptNeverRunsTheEncoder() {
        ToyStateEncoder encoder = toy();
        LearnedPromptAdapter prompt = new LearnedPromptAdapter(2, 16, 1);
        try (PointerScope scope = new PointerScope()) {
            StateEncoder.Encoded e = StateEncoder.forAdapter(encoder, prompt, USERS.subList(0, 5), false);
            assertEquals(0, encoder.encoded);
            Tensor soft = prompt.softTokens(e.states(), e.lengths());
            assertEquals(List.of(5L, 2L, 16L), List.of(soft.size(0), soft.size(1), soft.size(2)));
            StateEncoder.forAdapter(encoder, new MeanPoolAdapter(encoder.hiddenSize(), 16), USERS.subList(0, 5), false);
            assertEquals(5, encoder.encoded, "an adapter that reads states gets the encoder's");
        }
    }

    private static void assertArrayEquals(float[] want, float[] got) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, got);
    }
}
