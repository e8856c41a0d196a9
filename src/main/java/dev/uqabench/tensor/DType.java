package dev.uqabench.tensor;

import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Optional;

/** The element types a safetensors file may hold here, with their on-disk names and widths. */
public enum DType {
    F32("F32", 4, ScalarType.Float),
    BF16("BF16", 2, ScalarType.BFloat16),
    F16("F16", 2, ScalarType.Half),
    I64("I64", 8, ScalarType.Long),
    I32("I32", 4, ScalarType.Int);

    private final String safetensorsName;
    private final int byteSize;
    private final ScalarType scalarType;

    DType(String safetensorsName, int byteSize, ScalarType scalarType) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.scalarType = scalarType;
    }

    public String safetensorsName() { return safetensorsName; }

    public int byteSize() { return byteSize; }

    public ScalarType scalarType() { return scalarType; }

    public boolean isFloatingPoint() { return this == F32 || this == BF16 || this == F16; }

    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) return Optional.of(d);
        }
        return Optional.empty();
    }

    public static Optional<DType> fromScalarType(ScalarType type) {
        for (DType d : values()) {
            if (d.scalarType == type) return Optional.of(d);
        }
        return Optional.empty();
    }
}
