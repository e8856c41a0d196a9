package dev.uqabench.llm;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A batch of token sequences, right-padded, optionally placed behind {@code k} soft-prompt
 * vectors per row (the reference puts user embeddings before everything else).
 *
 * @param ids     int64 {@code [batch, maxLength]}, padding = {@code padId}
 * @param mask    int64 {@code [batch, maxLength]}, 1 for real tokens
 * @param lengths real tokens per row
 */
public record PaddedPrompts(Tensor ids, Tensor mask, int[] lengths) {

    public static PaddedPrompts of(List<long[]> prompts, long padId) {
        int batch = prompts.size();
        int max = 1;
        for (long[] p : prompts) {
            max = Math.max(max, p.length);
        }
        long[] ids = new long[batch * max];
        long[] mask = new long[batch * max];
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            long[] p = prompts.get(b);
            lengths[b] = p.length;
            for (int t = 0; t < max; t++) {
                ids[b * max + t] = t < p.length ? p[t] : padId;
                mask[b * max + t] = t < p.length ? 1 : 0;
            }
        }
        return new PaddedPrompts(Tensor.create(ids, batch, max), Tensor.create(mask, batch, max), lengths);
    }

    public int batchSize() {
        return lengths.length;
    }

    public int maxLength() {
        return (int) ids.size(1);
    }

    /**
     * Decoder inputs: {@code concat(soft, embed(ids))} along time and the matching mask.
     *
     * @param soft float {@code [batch, k, hidden]} or null for no soft prompt
     */
    public Inputs inputs(Decoder decoder, Tensor soft) {
        Tensor embeds = decoder.embed(ids);
        if (soft == null) {
            return new Inputs(embeds, mask, 0);
        }
        long k = soft.size(1);
        long[] ones = new long[batchSize() * (int) k];
        java.util.Arrays.fill(ones, 1L);
        Tensor softMask = Tensor.create(ones, batchSize(), k);
        return new Inputs(torch.cat(new TensorVector(soft.to(embeds.scalar_type()), embeds), 1),
                torch.cat(new TensorVector(softMask, mask), 1), (int) k);
    }

    /** Index of each row's last real token in the decoder input (after {@code offset} soft tokens). */
    public long[] lastPositions(int offset) {
        long[] pos = new long[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            pos[b] = offset + lengths[b] - 1L;
        }
        return pos;
    }

    /** Decoder inputs: embeddings, mask, and how many soft tokens lead each row. */
    public record Inputs(Tensor embeds, Tensor mask, int softTokens) {
    }
}
