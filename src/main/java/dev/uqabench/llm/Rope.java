package dev.uqabench.llm;

import dev.uqabench.tensor.Tensors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rotary position embeddings in the rotate-half layout of Hugging Face Qwen2/Llama (Su et al. 2021,
 * RoFormer): dimension i pairs with i + D/2, not with i + 1 as in the paper's interleaved form.
 */
final class Rope {
    private Rope() {}

    /** theta^(-2i/D) for i < D/2 in float32 as Hugging Face computes it, then the config's scaling rule. */
    static Tensor inverseFrequencies(DecoderConfig config) {
        int d = config.headDim();
        Tensor exponents = torch.arange(new Scalar(0L), new Scalar((long) d), new Scalar(2L),
                Tensors.options(ScalarType.Long)).to(ScalarType.Float).div(new Scalar((double) d));
        Tensor inverse = torch.pow(new Scalar(config.ropeTheta()), exponents).reciprocal();       // float32 [D/2]
        DecoderConfig.RopeScaling scaling = config.ropeScaling();
        if (scaling == null || scaling.ropeType().equals("default")) return inverse;
        if (scaling.ropeType().equals("linear")) return inverse.div(new Scalar(scaling.factor()));
        return llama3(inverse, scaling);
    }

    /**
     * Llama 3.1's rule: long wavelengths divided by {@code factor}, short ones kept, and a smooth blend in
     * between (Hugging Face {@code _compute_llama3_parameters}).
     */
    private static Tensor llama3(Tensor inverse, DecoderConfig.RopeScaling s) {
        float[] f = Tensors.toFloats(inverse);
        float factor = s.factor().floatValue();
        float low = s.lowFreqFactor().floatValue(), high = s.highFreqFactor().floatValue();
        float oldContext = s.originalMaxPositionEmbeddings();
        float lowFreqWavelength = oldContext / low;
        float highFreqWavelength = oldContext / high;
        float[] out = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            float wavelength = (float) (2 * Math.PI) / f[i];
            float scaled = wavelength > lowFreqWavelength ? f[i] / factor : f[i];
            boolean medium = !(wavelength < highFreqWavelength) && !(wavelength > lowFreqWavelength);
            if (medium) {
                float smooth = (oldContext / wavelength - low) / (high - low);
                scaled = (1 - smooth) * scaled / factor + smooth * scaled;
            }
            out[i] = scaled;
        }
        return Tensors.fromFloats(out, out.length);
    }

    /** cos and sin of position * frequency, [B, 1, T, D], computed in float32 then cast. */
    static Tensor[] cosSin(Tensor inverseFrequencies, Tensor positions, ScalarType type) {
        Tensor angles = positions.to(ScalarType.Float).unsqueeze(-1).mul(inverseFrequencies);     // [B, T, D/2]
        Tensor both = torch.cat(new TensorVector(angles, angles), -1);                            // [B, T, D]
        return new Tensor[] {both.cos().to(type).unsqueeze(1), both.sin().to(type).unsqueeze(1)};
    }

    /** x * cos + rotate_half(x) * sin, with rotate_half([x1, x2]) = [-x2, x1]. x: [B, heads, T, D]. */
    static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        long half = x.size(-1) / 2;
        Tensor x1 = x.narrow(-1, 0, half);
        Tensor x2 = x.narrow(-1, half, half);
        Tensor rotated = torch.cat(new TensorVector(x2.neg(), x1), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
