package dev.uqabench.tensor;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/** Small conversions between Java arrays and libtorch tensors, and scope bookkeeping. */
public final class Tensors {
    private Tensors() {}

    public static TensorOptions options(ScalarType type) {
        return new TensorOptions(type);
    }

    /** A float32 tensor that owns a copy of {@code data}. */
    public static Tensor fromFloats(float[] data, long... shape) {
        requireNumel(data.length, shape);
        try (FloatPointer p = new FloatPointer(data)) {
            return torch.from_blob(p, shape, options(ScalarType.Float)).clone();
        }
    }

    /** An int64 tensor that owns a copy of {@code data}. */
    public static Tensor fromLongs(long[] data, long... shape) {
        requireNumel(data.length, shape);
        try (LongPointer p = new LongPointer(data)) {
            return torch.from_blob(p, shape, options(ScalarType.Long)).clone();
        }
    }

    /** An int64 {@code [rows, columns]} tensor from a rectangular array. */
    public static Tensor fromLongs(long[][] rows) {
        int columns = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * columns];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != columns) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " columns, expected " + columns);
            }
            System.arraycopy(rows[r], 0, flat, r * columns, columns);
        }
        return fromLongs(flat, rows.length, columns);
    }

    /** The elements of any floating tensor as float32, in row-major order. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Float).contiguous();
        float[] out = new float[Math.toIntExact(c.numel())];
        c.data_ptr_float().get(out);
        return out;
    }

    /** The elements of an integer tensor as int64, in row-major order. */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Long).contiguous();
        long[] out = new long[Math.toIntExact(c.numel())];
        c.data_ptr_long().get(out);
        return out;
    }

    /**
     * The element type of {@code t} as one of the enum's constants (JavaCPP returns a fresh enum object
     * from native code, so {@code ==} against constants fails without {@code intern()}).
     */
    public static ScalarType scalarType(Tensor t) {
        return t.scalar_type().intern();
    }

    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) s[i] = t.size(i);
        return s;
    }

    public static String shapeString(long[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Takes a long-lived tensor (a weight, a cache entry) out of the innermost {@link PointerScope}, so
     * closing the caller's per-step scope does not free it.
     */
    public static <P extends Pointer> P keep(P pointer) {
        PointerScope scope = PointerScope.getInnerScope();
        if (scope != null) {
            // detach() drops the scope's reference, which would free the pointer: take one of our own first.
            pointer.retainReference();
            scope.detach(pointer);
        }
        return pointer;
    }

    private static void requireNumel(long length, long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        if (n != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
        }
    }
}
