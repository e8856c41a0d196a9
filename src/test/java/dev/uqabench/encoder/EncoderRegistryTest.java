package dev.uqabench.encoder;

import dev.uqabench.nn.Init;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.encoder.hstu.HstuConfig;
import dev.uqabench.encoder.sasrec.SasRecConfig;
import dev.uqabench.encoder.trmplus.TrmPlusConfig;
import dev.uqabench.base.UqaException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EncoderRegistryTest {

    static java.util.List<String> encoders() {
        return EncoderRegistry.kinds().stream().map(EncoderKind::name).toList();
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void countedParametersMatchBuiltModels(String name) {
        EncoderKind<?> kind = EncoderRegistry.kind(name);
        for (String preset : new String[] {"tiny", "mini", "quickstart", "small", "paper"}) {
            EncoderConfig config = kind.preset(preset);
            UserEncoder encoder = kind.build(config, 64, Init.generator(1));
            assertEquals(UserModel.parameterCount(encoder.module()), config.parameterCount(64), name + "/" + preset);
        }
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void paperPresetIsHidden512AndTheLadderSpans30x(String name) {
        EncoderKind<?> kind = EncoderRegistry.kind(name);
        assertEquals(512, kind.preset("paper").hiddenSize());
        long previous = 0;
        for (String rung : EncoderRegistry.LADDER) {
            long count = kind.preset(rung).parameterCount(512);
            assertTrue(count > previous, name + ": ladder not ascending at " + rung);
            previous = count;
        }
        long smallest = kind.preset(EncoderRegistry.LADDER.get(0)).parameterCount(512);
        assertTrue(smallest > 1_000_000, name + ": smallest rung should have a few million parameters");
        assertTrue(previous >= 30 * smallest, name + ": ladder spans only " + (double) previous / smallest + "x");
    }

    @ParameterizedTest
    @MethodSource("encoders")
    void laptopPresetsAscendBelowTheLadder(String name) {
        EncoderKind<?> kind = EncoderRegistry.kind(name);
        long previous = 0;
        for (String preset : List.of("tiny", "mini", "quickstart", "small", EncoderRegistry.LADDER.get(0))) {
            long count = kind.preset(preset).parameterCount(200);
            assertTrue(count > previous, name + ": " + preset + " is not larger than the preset below it");
            previous = count;
        }
    }

    @Test
    void paperShapesFollowTheReference() {
        assertEquals(new SasRecConfig(512, 6, 8, 1536, 0.1), EncoderRegistry.kind("sasrec").preset("paper"));
        assertEquals(new HstuConfig(512, 4, 8, 256, 256, 0.1, false), EncoderRegistry.kind("hstu").preset("paper"));
        assertEquals(1536, TrmPlusConfig.referenceFfnSize(512));
    }

    @Test
    void badShapesAreClearErrors() {
        UqaException e = assertThrows(UqaException.class, () -> new SasRecConfig(100, 2, 3, 64, 0.1));
        assertEquals("sasrec config: invalid value at 'number_of_heads': must divide hidden_size 100, got 3", e.getMessage());
        e = assertThrows(UqaException.class, () -> EncoderRegistry.kind("bert4rec"));
        assertTrue(e.getMessage().startsWith("unknown encoder 'bert4rec' (known: sasrec, hstu, trmplus, gru4rec, mamba)"),
                e.getMessage());
        e = assertThrows(UqaException.class, () -> EncoderRegistry.kind("sasrec").build(
                EncoderRegistry.kind("hstu").preset("tiny"), 16, Init.generator(1)));
        assertTrue(e.getMessage().contains("SasRecConfig"), e.getMessage());
    }
}
