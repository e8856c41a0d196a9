package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Locale;

/** The dtype a decoder computes in on the CPU; RMSNorm and softmax statistics stay float32 in both. */
public enum ComputeType {
    FP32(ScalarType.Float),
    BF16(ScalarType.BFloat16);

    private final ScalarType scalarType;

    ComputeType(ScalarType scalarType) {
        this.scalarType = scalarType;
    }

    public ScalarType scalarType() { return scalarType; }

    /** Parses {@code fp32}/{@code float32} or {@code bf16}/{@code bfloat16}. */
    public static ComputeType parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new UqaException("compute dtype '" + text + "' is not supported (fp32 or bf16)");
        };
    }
}
