package dev.uqabench.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Tensors;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterTest {

    @TempDir
    Path dir;

    @Test
    void meanPoolIsTheProjectedMeanOverValidPositions() {
        torch.manual_seed(3);
        MeanPoolAdapter adapter = new MeanPoolAdapter(4, 6);
        Tensor states = torch.randn(2, 5, 4);
        Tensor lengths = Tensors.fromLongs(new long[] {5, 2}, 2);
        float[] got = Tensors.toFloats(adapter.softTokens(states, lengths));                   // [2, 1, 6]
        // row 1: only the first two positions count
        Tensor row = states.select(0, 1).narrow(0, 0, 2).mean(0);                              // [4]
        Tensor lin = adapter.named_parameters().get("up_proj.weight");
        Tensor bias = adapter.named_parameters().get("up_proj.bias");
        float[] want = Tensors.toFloats(lin.matmul(row).add(bias));
        for (int i = 0; i < 6; i++) {
            assertEquals(want[i], got[6 + i], 1e-5);
        }
        assertEquals(1, adapter.tokens());
    }

    @Test
    void qFormerGivesKTokensIgnoresPaddingAndTrains() {
        QFormerAdapter adapter = new QFormerAdapter(8, 12, 3, 2, 2, 5);
        Tensor states = torch.randn(2, 6, 8);
        Tensor lengths = Tensors.fromLongs(new long[] {6, 3}, 2);
        Tensor out = adapter.softTokens(states, lengths);
        assertArrayEquals(new long[] {2, 3, 12}, Tensors.shape(out));
        // changing row 1 beyond its length leaves its soft tokens unchanged
        Tensor changed = states.clone();
        changed.select(0, 1).narrow(0, 3, 3).copy_(torch.randn(3, 8));
        float[] a = Tensors.toFloats(out.select(0, 1));
        float[] b = Tensors.toFloats(adapter.softTokens(changed, lengths).select(0, 1));
        assertArrayEquals(a, b, 1e-6f);
        // a gradient reaches every parameter
        adapter.softTokens(states, lengths).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
        var params = adapter.named_parameters();
        for (long i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).value().grad();
            assertTrue(g.defined() && g.abs().sum().item_double() > 0, "no gradient for " + params.get(i).key().getString());
        }
    }

    @Test
    void qFormersFusedAttentionIsTheWrittenOutOneWithItsGradients() {
        torch.manual_seed(11);
        Tensor q = torch.randn(3, 2, 4, 8).requires_grad_(true);                          // [B, h, k, d]
        Tensor k = torch.randn(3, 2, 7, 8).requires_grad_(true);                          // [B, h, T, d]
        Tensor v = torch.randn(3, 2, 7, 8).requires_grad_(true);
        Tensor lengths = Tensors.fromLongs(new long[] {7, 3, 1}, 3);
        Tensor positions = torch.arange(new org.bytedeco.pytorch.Scalar(7)).unsqueeze(0);
        Tensor readable = positions.lt(lengths.unsqueeze(1)).unsqueeze(1).unsqueeze(1);  // [B, 1, 1, T]
        Tensor fused = QFormerAdapter.attend(q, k, v, readable);
        Tensor scores = q.matmul(k.transpose(2, 3)).div(new org.bytedeco.pytorch.Scalar(Math.sqrt(8)))
                .masked_fill(readable.logical_not(), new org.bytedeco.pytorch.Scalar(Float.NEGATIVE_INFINITY));
        Tensor written = torch.softmax(scores, -1).matmul(v);
        assertArrayEquals(Tensors.toFloats(written), Tensors.toFloats(fused), 1e-5f);
        Tensor weights = torch.randn(3, 2, 4, 8);
        Tensor[] viaFused = gradients(fused.mul(weights).sum(), q, k, v);
        Tensor[] viaWritten = gradients(written.mul(weights).sum(), q, k, v);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Tensors.toFloats(viaWritten[i]), Tensors.toFloats(viaFused[i]), 1e-5f, "input " + i);
        }
        // the keys past a row's length get no gradient
        assertEquals(0.0, viaFused[1].select(0, 2).narrow(1, 1, 6).abs().sum().item_double(), 0.0);
    }

    private static Tensor[] gradients(Tensor loss, Tensor... inputs) {
        org.bytedeco.pytorch.TensorVector in = new org.bytedeco.pytorch.TensorVector(inputs);
        org.bytedeco.pytorch.TensorVector grads = torch.grad(new org.bytedeco.pytorch.TensorVector(loss), in,
                new org.bytedeco.pytorch.TensorVector(), new org.bytedeco.pytorch.BoolOptional(true), false, false);
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            out[i] = grads.get(i);
        }
        return out;
    }

    @Test
    void checkpointRoundTripAndShapeMismatchIsNamed() {
        QFormerAdapter a = new QFormerAdapter(8, 12, 3, 1, 2, 1);
        QFormerAdapter b = new QFormerAdapter(8, 12, 3, 1, 2, 2);
        Path file = dir.resolve(AdapterCheckpoint.WEIGHTS);
        AdapterCheckpoint.save(a, file);
        AdapterCheckpoint.load(b, file);
        Tensor states = torch.randn(1, 4, 8);
        Tensor lengths = Tensors.fromLongs(new long[] {4}, 1);
        assertArrayEquals(Tensors.toFloats(a.softTokens(states, lengths)), Tensors.toFloats(b.softTokens(states, lengths)), 1e-6f);
        QFormerAdapter wider = new QFormerAdapter(8, 16, 3, 1, 2, 1);
        UqaException e = assertThrows(UqaException.class, () -> AdapterCheckpoint.load(wider, file));
        assertTrue(e.getMessage().contains("output.weight") && e.getMessage().contains("shape"), e.getMessage());
    }

    @Test
    void learnedPromptIgnoresItsInputAndTrains() {
        LearnedPromptAdapter adapter = new LearnedPromptAdapter(2, 6, 4);
        Tensor lengths = Tensors.fromLongs(new long[] {5, 2, 1}, 3);
        Tensor out = adapter.softTokens(torch.randn(3, 5, 4), lengths);
        assertArrayEquals(new long[] {3, 2, 6}, Tensors.shape(out));
        // other states, other lengths, other rows: the same tokens
        float[] other = Tensors.toFloats(adapter.softTokens(torch.randn(3, 5, 4).mul(new org.bytedeco.pytorch.Scalar(9)),
                Tensors.fromLongs(new long[] {1, 1, 5}, 3)));
        assertArrayEquals(Tensors.toFloats(out), other, 0f);
        assertArrayEquals(Tensors.toFloats(out.select(0, 0)), Tensors.toFloats(out.select(0, 2)), 0f);
        adapter.softTokens(torch.randn(3, 5, 4), lengths).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
        Tensor g = adapter.named_parameters().get("prompt").grad();
        assertTrue(g.defined() && g.abs().sum().item_double() > 0, "the prompt gets a gradient");
        assertEquals(2, adapter.tokens());
    }

    @Test
    void learnedPromptCheckpointRoundTripsThroughTheAlignConfig() {
        AlignConfig config = AlignConfig.quickstart().learnedPrompt(3);
        assertEquals(AlignConfig.AdapterKind.LEARNED_PROMPT, config.adapter());
        assertEquals(AlignConfig.Mode.ADAPTER_ONLY, config.mode());
        Adapter a = AdapterCheckpoint.create(config, 8, 12, 1);
        Adapter b = AdapterCheckpoint.create(config, 8, 12, 2);
        Path file = dir.resolve("prompt.safetensors");
        AdapterCheckpoint.save(a.module(), file);
        AdapterCheckpoint.load(b.module(), file);
        Tensor states = torch.randn(1, 4, 8);
        Tensor lengths = Tensors.fromLongs(new long[] {4}, 1);
        assertArrayEquals(Tensors.toFloats(a.softTokens(states, lengths)), Tensors.toFloats(b.softTokens(states, lengths)), 0f);
        assertEquals(3, b.tokens());
        UqaException e = assertThrows(UqaException.class,
                () -> AdapterCheckpoint.load(AdapterCheckpoint.create(AlignConfig.quickstart().learnedPrompt(4), 8, 12, 1).module(), file));
        assertTrue(e.getMessage().contains("prompt") && e.getMessage().contains("shape"), e.getMessage());
    }

    @Test
    void theConfigKnowsHowManySoftTokensItsAdapterMakes() {
        AlignConfig meanpool = AlignConfig.quickstart();
        AlignConfig qformer = new AlignConfig(AlignConfig.AdapterKind.QFORMER, 3, AlignConfig.Mode.ADAPTER_ONLY, 1, 4,
                1e-3, 1e-5, 0.1, 1.0);
        for (AlignConfig config : new AlignConfig[] {meanpool, qformer, meanpool.learnedPrompt(5)}) {
            assertEquals(AdapterCheckpoint.create(config, 8, 12, 1).tokens(), config.softTokens(), config.toString());
        }
        // the learned-prompt control is sized from the config before the alignment it mirrors has run
        assertEquals(3, qformer.learnedPrompt(qformer.softTokens()).softTokens());
    }
}
