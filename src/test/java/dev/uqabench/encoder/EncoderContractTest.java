package dev.uqabench.encoder;

import dev.uqabench.nn.Init;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract every registered encoder must keep, checked at its {@code tiny} preset. */
class EncoderContractTest {

    private static final int ITEMS = 50;

    static List<String> encoders() {
        return EncoderRegistry.kinds().stream().map(EncoderKind::name).toList();
    }

    private static UserModel model(String name) {
        EncoderKind<?> kind = EncoderRegistry.kind(name);
        var generator = Init.generator(7);
        UserEncoder encoder = kind.build(kind.preset("tiny"), 16, generator);
        FeatureEmbedding embedding = new FeatureEmbedding(FeatureSet.TEXT, TableSizes.uniform(ITEMS), encoder.hiddenSize(), generator);
        UserModel model = new UserModel(embedding, encoder, generator);
        model.eval();
        return model;
    }

    private static List<UserSequence> users() {
        return ToyData.strideUsers(3, ITEMS, 4, 9, 11);
    }

    private static float[] floats(Tensor t) {
        Tensor c = t.contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void statesHaveOneVectorPerPosition(String name) {
        UserModel model = model(name);
        EventBatch batch = EventBatch.lastEvents(users(), 16);
        try (PointerScope scope = new PointerScope()) {
            Tensor states = model.states(batch);
            assertArrayEquals(new long[] {3, batch.time(), model.hiddenSize()}, states.shape());
            assertTrue(states.isfinite().all().item().toBool());
        }
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void changingALaterEventLeavesEarlierStatesUnchanged(String name) {
        UserModel model = model(name);
        List<UserSequence> original = users();
        UserSequence first = original.get(0);
        int t = 2;
        List<Event> changed = new ArrayList<>(first.events());
        changed.set(t + 1, ToyData.event(ITEMS - 1, ITEMS));
        List<UserSequence> modified = new ArrayList<>(original);
        modified.set(0, new UserSequence(first.user(), changed));
        try (PointerScope scope = new PointerScope()) {
            Tensor a = model.states(EventBatch.lastEvents(original, 16)).select(0, 0);
            Tensor b = model.states(EventBatch.lastEvents(modified, 16)).select(0, 0);
            float[] before = floats(a.narrow(0, 0, t + 1));
            float[] after = floats(b.narrow(0, 0, t + 1));
            assertArrayEquals(before, after, 1e-5f);
            // and the change is visible at t + 1, so the check above is not vacuous
            float diff = 0;
            float[] x = floats(a.select(0, t + 1));
            float[] y = floats(b.select(0, t + 1));
            for (int i = 0; i < x.length; i++) {
                diff += Math.abs(x[i] - y[i]);
            }
            assertTrue(diff > 1e-4, "changed event had no effect at its own position");
        }
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void paddingLeavesValidStatesUnchanged(String name) {
        UserModel model = model(name);
        UserSequence shortUser = users().get(0);
        UserSequence longUser = ToyData.strideUsers(1, ITEMS, 15, 15, 5).get(0);
        try (PointerScope scope = new PointerScope()) {
            Tensor alone = model.states(EventBatch.lastEvents(List.of(shortUser), 16)).select(0, 0);
            Tensor padded = model.states(EventBatch.lastEvents(List.of(shortUser, longUser), 16)).select(0, 0);
            int length = shortUser.length();
            assertArrayEquals(floats(alone.narrow(0, 0, length)), floats(padded.narrow(0, 0, length)), 1e-5f);
        }
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void gradientReachesEveryParameter(String name) {
        UserModel model = model(name);
        model.train(true);
        try (PointerScope scope = new PointerScope()) {
            EventBatch batch = EventBatch.lastEvents(users(), 16);
            Tensor states = model.states(batch);
            model.scoreAll(model.queries(states)).pow(new org.bytedeco.pytorch.Scalar(2)).mean().backward();
            StringTensorDict parameters = model.named_parameters();
            for (long i = 0; i < parameters.size(); i++) {
                Tensor grad = parameters.get(i).value().grad();
                String parameter = parameters.get(i).key().getString();
                assertTrue(grad.defined(), name + ": no gradient for " + parameter);
                assertTrue(grad.abs().sum().item_float() > 0, name + ": zero gradient for " + parameter);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void idsOutsideATableAreRejectedBeforeLibtorch(String name) {
        UserModel model = model(name);
        List<UserSequence> bad = List.of(new UserSequence("x", List.of(ToyData.event(ITEMS + 3, ITEMS))));
        UqaException e = assertThrows(UqaException.class, () -> model.states(EventBatch.lastEvents(bad, 16)));
        assertTrue(e.getMessage().contains("item_id"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void unknownPresetIsAClearError(String name) {
        UqaException e = assertThrows(UqaException.class, () -> EncoderRegistry.kind(name).preset("huge-typo"));
        assertTrue(e.getMessage().contains("huge-typo") && e.getMessage().contains("tiny"), e.getMessage());
        assertEquals(name, EncoderRegistry.kind(name).name());
    }
}
