package dev.uqabench.llm;

import dev.uqabench.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Keys and values of every position seen so far, per layer, after RoPE, plus the padding mask of those
 * positions. Its tensors live outside any caller {@code PointerScope}, so a generation loop may close a
 * scope per step; {@link #close()} frees them.
 */
public final class KvCache implements AutoCloseable {
    private final Tensor[] keys;    // (layer) [batch, kvHeads, length, headDim]
    private final Tensor[] values;  // (layer) [batch, kvHeads, length, headDim]
    private Tensor mask;            // int64 [batch, length], 1 = real token
    private final long batch;

    KvCache(int layers, long batch) {
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
        this.batch = batch;
        this.mask = Tensors.keep(torch.zeros(new long[] {batch, 0}, Tensors.options(ScalarType.Long)));
    }

    public long batch() { return batch; }

    /** Positions cached so far (real and padding). */
    public long length() { return mask.size(1); }

    /** The padding mask of the cached positions, int64 [batch, length]. */
    public Tensor mask() { return mask; }

    Tensor keys(int layer) { return keys[layer]; }

    Tensor values(int layer) { return values[layer]; }

    /** Appends the new positions' keys and values of one layer; returns the full [B, kvH, past+new, D]. */
    Tensor[] append(int layer, Tensor newKeys, Tensor newValues) {
        Tensor k = keys[layer] == null ? newKeys : torch.cat(new TensorVector(keys[layer], newKeys), 2);
        Tensor v = values[layer] == null ? newValues : torch.cat(new TensorVector(values[layer], newValues), 2);
        replace(keys, layer, k.detach());
        replace(values, layer, v.detach());
        return new Tensor[] {keys[layer], values[layer]};
    }

    void appendMask(Tensor newMask) {
        Tensor m = Tensors.keep(torch.cat(new TensorVector(mask, newMask.to(ScalarType.Long)), 1));
        mask.close();
        mask = m;
    }

    private static void replace(Tensor[] slots, int i, Tensor t) {
        Tensors.keep(t);
        if (slots[i] != null) slots[i].close();
        slots[i] = t;
    }

    /**
     * A cache whose row {@code r} holds this cache's row {@code sources[r]} (e.g. each prompt of a batch shared by
     * its options). This cache is left as it is.
     */
    KvCache selectRows(long[] sources) {
        Tensor index = Tensors.fromLongs(sources, sources.length);
        KvCache out = new KvCache(keys.length, sources.length);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                replace(out.keys, i, keys[i].index_select(0, index));
                replace(out.values, i, values[i].index_select(0, index));
            }
        }
        Tensor m = Tensors.keep(mask.index_select(0, index));
        out.mask.close();
        out.mask = m;
        index.close();
        return out;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) keys[i].close();
            if (values[i] != null) values[i].close();
            keys[i] = null;
            values[i] = null;
        }
        mask.close();
    }
}
