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

    /**
     * A float32 tensor of zeros whose memory the kernel supplies page by page at the first write: it comes from
     * {@code calloc}, which for a large block maps fresh zero pages instead of writing zeros (libtorch's {@code zeros}
     * writes every byte, so the whole tensor is resident at once). Reading a page that was never written costs no
     * memory either. For optimizer state of embedding tables whose steps touch a few rows: only the pages of the
     * touched rows become resident. That holds when the block is fresh: glibc maps blocks above its mmap threshold
     * anew, but a heap that already holds a large enough free block hands that one out, zeroed in full (correct, not
     * lazy). The tensor owns the block and frees it when its storage goes.
     */
    public static Tensor lazyZeros(long... shape) {
        long numel = 1;
        for (long s : shape) numel = Math.multiplyExact(numel, s);
        Pointer block = Pointer.calloc(Math.max(1, numel), Float.BYTES);
        if (block == null || block.isNull()) {
            throw new OutOfMemoryError("cannot allocate " + numel * Float.BYTES + " bytes for a tensor of shape "
                    + Arrays.toString(shape));
        }
        return torch.from_blob(block, shape, FREE);
    }

    /** Frees a {@link #lazyZeros} block when libtorch drops its storage (one callback for every such tensor). */
    private static final class Free extends org.bytedeco.pytorch.PointerConsumer {
        @Override
        public void call(Pointer block) {
            Pointer.free(block);
        }
    }

    // kept for the life of the process, outside any caller's PointerScope (a tensor may outlive every scope)
    private static final Free FREE = retained(new Free());

    private static Free retained(Free callback) {
        callback.retainReference();
        return callback;
    }

    private static void requireNumel(long length, long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        if (n != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
        }
    }
}
