package dev.uqabench.encoder;

import dev.uqabench.encoder.gru4rec.Gru4Rec;
import dev.uqabench.encoder.hstu.Hstu;
import dev.uqabench.encoder.mamba.Mamba4Rec;
import dev.uqabench.encoder.sasrec.SasRec;
import dev.uqabench.encoder.trmplus.TrmPlus;
import dev.uqabench.run.UqaException;
import java.util.List;

/** Every encoder architecture, in the order {@code uqabench encoders} lists them. */
public final class EncoderRegistry {

    private static final List<EncoderKind<?>> KINDS = List.of(
            SasRec.KIND,
            Hstu.KIND,
            TrmPlus.KIND,
            Gru4Rec.KIND,
            Mamba4Rec.KIND);

    private EncoderRegistry() {
    }

    public static List<EncoderKind<?>> kinds() {
        return KINDS;
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
