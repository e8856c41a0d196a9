package dev.uqabench.pretrain;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Safetensors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Encoder and optimizer checkpoints: float32 tensors in safetensors files (read and written by
 * {@link Safetensors}, which validates the format), loaded into a model's own parameters with
 * name and shape checks. Whole checkpoint folders are written through
 * {@link dev.uqabench.base.AtomicFiles#writeFolder}.
 */
final class CheckpointIO {

    private CheckpointIO() {
    }

    /** Writes {@code tensors} (float32 only; stored sorted by name) to {@code file}, through a temporary file. */
    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        tensors.forEach((name, t) -> {
            if (t.scalar_type().value != torch.ScalarType.Float.value) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + t.scalar_type() + ", only float32 is stored");
            }
        });
        Safetensors.write(file, tensors, metadata);
    }

    /**
     * Copies every tensor of {@code file} into the same-named target (same shape), failing with a
     * message naming the file and tensor when names, shapes or dtypes do not match.
     */
    static void readInto(Path file, Map<String, Tensor> targets) {
        Safetensors.MappedFile mapped = Safetensors.open(file);
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (Safetensors.Entry entry : mapped.entries().values()) {
                String name = entry.name();
                Tensor target = targets.get(name);
                if (target == null) {
                    throw new UqaException(file + ": tensor '" + name + "' does not belong to this model "
                            + "(a checkpoint of another encoder or feature set?)");
                }
                if (entry.dtype() != DType.F32) {
                    throw new UqaException(file + ": tensor '" + name + "' has dtype " + entry.dtype() + ", expected F32");
                }
                if (!Arrays.equals(entry.shape(), target.shape())) {
                    throw new UqaException(file + ": tensor '" + name + "' has shape " + Arrays.toString(entry.shape())
                            + ", the model expects " + Arrays.toString(target.shape())
                            + " (a checkpoint of another shape or table sizes?)");
                }
            }
            TreeSet<String> missing = new TreeSet<>(targets.keySet());
            missing.removeAll(mapped.entries().keySet());
            if (!missing.isEmpty()) {
                throw new UqaException(file + ": missing tensors " + missing);
            }
            for (String name : mapped.entries().keySet()) {
                targets.get(name).copy_(mapped.tensor(name));
            }
        } finally {
            mapped.unmap();
        }
    }
}
