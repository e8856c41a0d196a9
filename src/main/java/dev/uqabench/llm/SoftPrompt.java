package dev.uqabench.llm;

import dev.uqabench.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds decoder inputs with k soft-prompt vectors spliced in, either at the very start of the sequence
 * (before the system prompt, as the UQABench reference does) or in place of a placeholder token inside
 * the user turn. Only {@code cat}/{@code narrow} touch the soft vectors, so gradients reach them.
 */
public final class SoftPrompt {
    private SoftPrompt() {}

    /** Where the soft vectors go. */
    public enum Placement { START, PLACEHOLDER }

    /**
     * Embeddings of one prompt [T', hidden]: {@code soft} [k, hidden] followed by the token embeddings
     * (START), or the tokens with the single {@code placeholderId} occurrence replaced by {@code soft}
     * (PLACEHOLDER; T' = T - 1 + k).
     */
    public static Tensor splice(Decoder decoder, long[] ids, Tensor soft, Placement placement, long placeholderId) {
        int hidden = decoder.config().hiddenSize();
        if (soft.dim() != 2 || soft.size(1) != hidden) {
            throw new IllegalArgumentException("soft prompt must be [k, " + hidden + "], got "
                    + Arrays.toString(Tensors.shape(soft)));
        }
        Tensor tokens = decoder.embed(Tensors.fromLongs(ids, ids.length));                       // [T, H]
        Tensor softInCompute = soft.to(decoder.computeType());
        if (placement == Placement.START) return torch.cat(new TensorVector(softInCompute, tokens), 0);
        int at = -1;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == placeholderId) {
                if (at >= 0) throw new IllegalArgumentException("placeholder token " + placeholderId + " occurs twice");
                at = i;
            }
        }
        if (at < 0) throw new IllegalArgumentException("placeholder token " + placeholderId + " is not in the prompt");
        Tensor before = tokens.narrow(0, 0, at);                                                  // [at, H]
        Tensor after = tokens.narrow(0, at + 1, ids.length - at - 1);                            // [T-at-1, H]
        return torch.cat(new TensorVector(before, softInCompute, after), 0);                      // [T-1+k, H]
    }

    /** A batch of left-padded sequences: returns {embeddings [B, T, H], mask int64 [B, T]}. */
    public static Tensor[] leftPad(List<Tensor> sequences) {
        long longest = 0;
        for (Tensor s : sequences) longest = Math.max(longest, s.size(0));
        List<Tensor> rows = new ArrayList<>();
        long[] mask = new long[(int) (sequences.size() * longest)];
        for (int b = 0; b < sequences.size(); b++) {
            Tensor s = sequences.get(b);
            long pad = longest - s.size(0);
            Tensor padding = torch.zeros(new long[] {pad, s.size(1)}, Tensors.options(Tensors.scalarType(s)));
            rows.add(torch.cat(new TensorVector(padding, s), 0).unsqueeze(0));                    // [1, T, H]
            Arrays.fill(mask, (int) (b * longest + pad), (int) ((b + 1) * longest), 1L);
        }
        Tensor embeds = torch.cat(new TensorVector(rows.toArray(new Tensor[0])), 0);
        return new Tensor[] {embeds, Tensors.fromLongs(mask, sequences.size(), longest)};
    }

}
