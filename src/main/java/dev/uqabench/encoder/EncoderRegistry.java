package dev.uqabench.encoder;

import dev.uqabench.encoder.gru4rec.Gru4Rec;
import dev.uqabench.encoder.hstu.Hstu;
import dev.uqabench.encoder.mamba.Mamba4Rec;
import dev.uqabench.encoder.sasrec.SasRec;
import dev.uqabench.encoder.trmplus.TrmPlus;
import dev.uqabench.base.UqaException;
import java.util.List;

/** Every encoder architecture, in the order {@code uqabench encoders} lists them. */
public final class EncoderRegistry {

    private static final List<EncoderKind<?>> KINDS = List.of(
            SasRec.KIND,
            Hstu.KIND,
            TrmPlus.KIND,
            Gru4Rec.KIND,
            Mamba4Rec.KIND);

    /** Presets every encoder has, ascending in size: the scaling-study ladder ({@code paper} is its middle rung). */
    public static final List<String> LADDER = List.of("ladder-xs", "ladder-s", "paper", "ladder-l", "ladder-xl");

    private EncoderRegistry() {
    }

    public static List<EncoderKind<?>> kinds() {
        return KINDS;
    }

    /**
     * A plain-text table of every encoder and preset: hidden size, encoder parameters (embedding
     * tables and heads excluded) at {@code maxLength}, and the configuration.
     */
    public static String table(int maxLength) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-9s %-11s %6s %12s  %s%n", "encoder", "preset", "hidden", "parameters", "config"));
        for (EncoderKind<?> kind : KINDS) {
            out.append(String.format("%-9s %s%n", kind.name(), kind.description()));
            kind.presets().forEach((preset, config) -> out.append(String.format("%-9s %-11s %6d %12s  %s%n", "",
                    preset, config.hiddenSize(), String.format("%,d", config.parameterCount(maxLength)), config)));
        }
        return out.toString();
    }

    /** The kind called {@code name}, or an error listing the known ones. */
    public static EncoderKind<?> kind(String name) {
        for (EncoderKind<?> kind : KINDS) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        throw new UqaException("unknown encoder '" + name + "' (known: "
                + String.join(", ", KINDS.stream().map(EncoderKind::name).toList()) + ")");
    }
}
