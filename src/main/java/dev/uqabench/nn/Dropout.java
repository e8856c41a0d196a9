package dev.uqabench.nn;

import dev.uqabench.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Inverted dropout, {@code x * mask / q} with {@code mask ~ Bernoulli(q)}, {@code q = 1 - p}, whose mask is drawn here
 * rather than by libtorch's {@code bernoulli_}. A libtorch built without MKL (this one, and Debian's PyTorch) draws
 * {@code bernoulli_} one element at a time from its Mersenne twister, two 32-bit draws and a double comparison an
 * element (~10 ns), which made the masks about a quarter of a SASRec training step (bench/perf/README.md). Here an
 * element costs ~2 ns: the mask is the counter-based SplitMix64 sequence ({@code word j = mix64(seed + (j + 1) *
 * GAMMA)}, Java's {@code SplittableRandom} stream), each 64-bit word giving four 16-bit lanes, and a lane keeps its
 * element when it is at or above {@code t = round(p * 65536)}. So {@code p} is taken to the nearest multiple of 2^-16
 * and the kept elements are scaled by {@code 65536 / (65536 - t)}: the expected output is exactly the input (in bf16
 * and half the scale is rounded to the dtype, as {@code torch.dropout}'s noise is: 1.109375 for p = 0.1 in bf16).
 *
 * <p>The mask is written straight into a tensor of the input's dtype holding 0 or that scale, so the forward pass is
 * one product and autograd's backward one more ({@code grad * mask}), as {@code torch.dropout}'s own
 * {@code noise.div_(q); x * noise}. The seed of each call is one draw from libtorch's global CPU generator, so code
 * that seeds it ({@code torch.manual_seed} per step, under {@code tensor.GlobalGenerator.LOCK}) repeats its masks
 * exactly as it repeated {@code torch.dropout}'s. With more than one libtorch intra-op thread
 * ({@code torch.get_num_threads()} of the calling thread) that many threads fill the mask's windows; every element
 * depends on the seed and its index alone, so the mask is the same on any number of threads.
 */
public final class Dropout {

    /** SplitMix64's increment (the golden ratio in 64 bits), as in {@code java.util.SplittableRandom}. */
    private static final long GAMMA = 0x9e3779b97f4a7c15L;
    /**
     * Elements written through one byte-buffer window (a multiple of 4, so every window starts on a word; keeps every
     * index an int whatever the tensor's size), and the unit of work shared between threads.
     */
    static final long WINDOW = 1L << 20;
    /** Daemon workers that fill windows beside the calling thread when libtorch runs more than one intra-op thread. */
    private static final ForkJoinPool WORKERS = new ForkJoinPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), pool -> {
                ForkJoinWorkerThread t =
                        ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setDaemon(true);
                t.setName("uqabench-dropout-" + t.getPoolIndex());
                return t;
            }, null, false);

    private Dropout() {
    }

    /**
     * {@code x} with each element zeroed with probability {@code p} and the others scaled up; {@code x} itself when
     * not training or {@code p == 0}. Gradients flow to {@code x} through the mask. A tensor on another device than the
     * CPU goes to libtorch's {@code dropout} (its masks come from the device's own generator there).
     *
     * @throws IllegalArgumentException if {@code p} is not in [0, 1) or {@code x} is not a floating-point tensor
     */
    public static Tensor apply(Tensor x, double p, boolean training) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        if (!x.is_cpu()) {
            return torch.dropout(x, p, true);   // another device draws its mask in its own fused kernel
        }
        return x.mul(mask(x.sizes().vec().get(), Tensors.scalarType(x), p, seed()));
    }

    /** One 63-bit draw from libtorch's global CPU generator: the seed of one mask. */
    static long seed() {
        Tensor draw = torch.zeros(new long[] {1}, new TensorOptions(ScalarType.Long));
        draw.random_(0L, new LongOptional(Long.MAX_VALUE), new GeneratorOptional());
        return draw.item_long();
    }

    /**
     * The keep threshold of a 16-bit lane for drop probability {@code p}: {@code round(p * 65536)}, at most 65535 so
     * that one lane value in 65536 is always kept (a p that rounds to 1 would otherwise divide by zero; one below
     * 2^-17 rounds to 0 and drops nothing).
     */
    static int threshold(double p) {
        return (int) Math.min(65535, Math.round(p * 65536));
    }

    /**
     * A contiguous tensor of {@code shape} and floating dtype {@code type} holding {@code 65536 / (65536 - t)} where
     * the mask of {@code seed} keeps an element and 0 where it drops it.
     */
    static Tensor mask(long[] shape, ScalarType type, double p, long seed) {
        int threshold = threshold(p);
        Tensor out = torch.empty(shape, new TensorOptions(type), new MemoryFormatOptional());
        if (!out.is_floating_point()) {
            throw new IllegalArgumentException("dropout needs a floating-point tensor, got " + type);
        }
        long n = out.numel();
        if (n == 0) {
            return out;
        }
        long width = out.element_size();
        long keep = scaleBits(type, 65536.0 / (65536 - threshold), width);
        BytePointer base = new BytePointer(out.data_ptr()).capacity(n * width);
        long windows = (n + WINDOW - 1) / WINDOW;
        int threads = Math.min(torch.get_num_threads(), (int) Math.min(windows, Integer.MAX_VALUE));
        if (threads <= 1) {
            for (long w = 0; w < windows; w++) {
                fillWindow(base, n, w, width, seed, threshold, keep);
            }
        } else {
            // each element depends on (seed, index) alone: the same mask whichever thread writes which window
            AtomicLong next = new AtomicLong();
            Runnable worker = () -> {
                for (long w = next.getAndIncrement(); w < windows; w = next.getAndIncrement()) {
                    fillWindow(base, n, w, width, seed, threshold, keep);
                }
            };
            List<ForkJoinTask<?>> helpers = new ArrayList<>();
            for (int t = 1; t < threads; t++) {
                helpers.add(WORKERS.submit(worker));
            }
            worker.run();
            helpers.forEach(ForkJoinTask::join);
        }
        return out;
    }

    /** Fills window {@code w} of the mask of {@code n} elements at {@code base}. */
    private static void fillWindow(BytePointer base, long n, long w, long width, long seed, int threshold, long keep) {
        long from = w * WINDOW;
        long count = Math.min(WINDOW, n - from);
        // a pointer of its own at the window's first byte, so the buffer's index 0 is that byte
        ByteBuffer buffer = base.getPointer(from * width).capacity(count * width).asByteBuffer()
                .order(ByteOrder.nativeOrder());
        fill(buffer, (int) width, (int) count, from / 4, seed, threshold, keep);
    }

    /** The bit pattern of {@code value} in {@code type}, as it sits in memory ({@code width} bytes). */
    private static long scaleBits(ScalarType type, double value, long width) {
        Tensor one = torch.empty(new long[] {1}, new TensorOptions(type), new MemoryFormatOptional())
                .fill_(new Scalar(value));
        ByteBuffer b = new BytePointer(one.data_ptr()).capacity(width).asByteBuffer().order(ByteOrder.nativeOrder());
        return switch ((int) width) {
            case 2 -> b.getShort(0) & 0xFFFFL;
            case 4 -> b.getInt(0) & 0xFFFFFFFFL;
            case 8 -> b.getLong(0);
            default -> throw new IllegalArgumentException("dropout: unsupported element size " + width + " of " + type);
        };
    }

    /**
     * Writes {@code count} elements of {@code width} bytes from word {@code firstWord} of the seed's sequence: element
     * {@code 4 w + l} of the whole mask reads lane {@code l} (bits {@code 16 l .. 16 l + 15}) of word {@code w}.
     */
    private static void fill(ByteBuffer out, int width, int count, long firstWord, long seed, int threshold,
                             long keep) {
        int words = count / 4;
        for (int w = 0; w < words; w++) {
            long bits = word(seed, firstWord + w);
            long k0 = keep * kept(bits, threshold);
            long k1 = keep * kept(bits >>> 16, threshold);
            long k2 = keep * kept(bits >>> 32, threshold);
            long k3 = keep * kept(bits >>> 48, threshold);
            int at = 4 * w * width;
            switch (width) {
                case 2 -> out.putLong(at, k0 | k1 << 16 | k2 << 32 | k3 << 48);
                case 4 -> {
                    out.putLong(at, k0 | k1 << 32);
                    out.putLong(at + 8, k2 | k3 << 32);
                }
                default -> {
                    out.putLong(at, k0);
                    out.putLong(at + 8, k1);
                    out.putLong(at + 16, k2);
                    out.putLong(at + 24, k3);
                }
            }
        }
        int rest = count - 4 * words;
        if (rest > 0) {
            long bits = word(seed, firstWord + words);
            for (int l = 0; l < rest; l++) {
                long value = keep * kept(bits >>> (16 * l), threshold);
                int at = (4 * words + l) * width;
                switch (width) {
                    case 2 -> out.putShort(at, (short) value);
                    case 4 -> out.putInt(at, (int) value);
                    default -> out.putLong(at, value);
                }
            }
        }
    }

    /** 1 when the low 16 bits of {@code lane} are at or above {@code threshold}, else 0 (no branch). */
    private static long kept(long lane, int threshold) {
        return (((lane & 0xFFFF) - threshold) >>> 63) ^ 1;
    }

    /** Word {@code j} of SplitMix64 from {@code seed}: the (j + 1)-th nextLong of {@code SplittableRandom(seed)}. */
    static long word(long seed, long j) {
        long z = seed + (j + 1) * GAMMA;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
