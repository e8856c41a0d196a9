package dev.uqabench.llm;

import java.util.Map;

/**
 * An independent reference for the decoder, written from the Hugging Face Qwen2/Llama modelling code in
 * plain Java arrays with double accumulation: one sequence, no padding, positions 0..T-1. It shares no
 * code with {@link Decoder} (its RoPE frequencies and llama3 rule are re-derived here) and is itself
 * checked against the Python-made fixture in {@code ../shared/fixtures/decoder-qwen2-tiny}.
 */
final class NaiveDecoder {
    private final DecoderConfig c;
    private final Map<String, float[]> w;

    NaiveDecoder(DecoderConfig config, Map<String, float[]> weights) {
        this.c = config;
        this.w = weights;
    }

    double[] embed(long id) {
        float[] table = w.get("model.embed_tokens.weight");
        int h = c.hiddenSize();
        double[] out = new double[h];
        for (int i = 0; i < h; i++) out[i] = table[(int) id * h + i];
        return out;
    }

    /** Logits [T][vocab] of the input vectors x [T][hidden]. */
    double[][] forward(double[][] input) {
        int t = input.length, h = c.hiddenSize(), heads = c.numberOfHeads(), kvHeads = c.numberOfKeyValueHeads();
        int d = c.headDim(), group = heads / kvHeads;
        double[][] x = new double[t][];
        for (int i = 0; i < t; i++) x[i] = input[i].clone();
        double[] inv = inverseFrequencies();
        for (int layer = 0; layer < c.numberOfLayers(); layer++) {
            String p = "model.layers." + layer + ".";
            double[][] q = new double[t][], k = new double[t][], v = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] n = rmsNorm(x[i], w.get(p + "input_layernorm.weight"));
                q[i] = matVec(p + "self_attn.q_proj", n, c.qkvBias());
                k[i] = matVec(p + "self_attn.k_proj", n, c.qkvBias());
                v[i] = matVec(p + "self_attn.v_proj", n, c.qkvBias());
                for (int head = 0; head < heads; head++) rotate(q[i], head * d, d, i, inv);
                for (int head = 0; head < kvHeads; head++) rotate(k[i], head * d, d, i, inv);
            }
            for (int i = 0; i < t; i++) {
                double[] attended = new double[heads * d];
                for (int head = 0; head < heads; head++) {
                    int kvHead = head / group;
                    double[] scores = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s <= i; s++) {
                        double dot = 0;
                        for (int j = 0; j < d; j++) dot += q[i][head * d + j] * k[s][kvHead * d + j];
                        scores[s] = dot / Math.sqrt(d);
                        max = Math.max(max, scores[s]);
                    }
                    double sum = 0;
                    for (int s = 0; s <= i; s++) sum += scores[s] = Math.exp(scores[s] - max);
                    for (int s = 0; s <= i; s++) {
                        for (int j = 0; j < d; j++) attended[head * d + j] += scores[s] / sum * v[s][kvHead * d + j];
                    }
                }
                double[] o = matVec(p + "self_attn.o_proj", attended, c.outputBias());
                for (int j = 0; j < h; j++) x[i][j] += o[j];
                double[] n = rmsNorm(x[i], w.get(p + "post_attention_layernorm.weight"));
                double[] gate = matVec(p + "mlp.gate_proj", n, false);
                double[] up = matVec(p + "mlp.up_proj", n, false);
                for (int j = 0; j < gate.length; j++) gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
                double[] down = matVec(p + "mlp.down_proj", gate, false);
                for (int j = 0; j < h; j++) x[i][j] += down[j];
            }
        }
        String head = c.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head";
        double[][] logits = new double[t][];
        for (int i = 0; i < t; i++) logits[i] = matVec(head, rmsNorm(x[i], w.get("model.norm.weight")), false);
        return logits;
    }

    /** Greedy continuation by recomputation. */
    long[] greedy(long[] prompt, int newTokens) {
        long[] seq = java.util.Arrays.copyOf(prompt, prompt.length + newTokens);
        for (int step = 0; step < newTokens; step++) {
            int len = prompt.length + step;
            double[][] x = new double[len][];
            for (int i = 0; i < len; i++) x[i] = embed(seq[i]);
            double[] last = forward(x)[len - 1];
            int best = 0;
            for (int j = 1; j < last.length; j++) if (last[j] > last[best]) best = j;
            seq[len] = best;
        }
        return java.util.Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    private double[] inverseFrequencies() {
        int d = c.headDim();
        double[] inv = new double[d / 2];
        for (int i = 0; i < d / 2; i++) inv[i] = 1.0 / Math.pow(c.ropeTheta(), 2.0 * i / d);
        DecoderConfig.RopeScaling s = c.ropeScaling();
        if (s == null) return inv;
        if (s.ropeType().equals("linear")) {
            for (int i = 0; i < inv.length; i++) inv[i] /= s.factor();
        } else if (s.ropeType().equals("llama3")) {
            // Wavelengths longer than the original context / low factor are slowed by `factor`; shorter than
            // original / high factor kept; in between, interpolated linearly in (original / wavelength).
            double original = s.originalMaxPositionEmbeddings();
            for (int i = 0; i < inv.length; i++) {
                double wavelength = 2 * Math.PI / inv[i];
                if (wavelength > original / s.lowFreqFactor()) {
                    inv[i] = inv[i] / s.factor();
                } else if (wavelength >= original / s.highFreqFactor()) {
                    double smooth = (original / wavelength - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                    inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
                }
            }
        }
        return inv;
    }

    /** Rotates the pairs (j, j + d/2) of one head by position * frequency. */
    private static void rotate(double[] vector, int offset, int d, int position, double[] inv) {
        for (int j = 0; j < d / 2; j++) {
            double angle = position * inv[j];
            double a = vector[offset + j], b = vector[offset + j + d / 2];
            vector[offset + j] = a * Math.cos(angle) - b * Math.sin(angle);
            vector[offset + j + d / 2] = b * Math.cos(angle) + a * Math.sin(angle);
        }
    }

    private double[] rmsNorm(double[] x, float[] weight) {
        double mean = 0;
        for (double v : x) mean += v * v;
        mean /= x.length;
        double scale = 1 / Math.sqrt(mean + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * scale * weight[i];
        return out;
    }

    /** weight [out, in] times x, plus bias when present. */
    private double[] matVec(String name, double[] x, boolean bias) {
        float[] weight = w.get(name + ".weight");
        int in = x.length, out = weight.length / in;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double sum = 0;
            for (int i = 0; i < in; i++) sum += weight[o * in + i] * x[i];
            y[o] = sum;
        }
        if (bias) {
            float[] b = w.get(name + ".bias");
            for (int o = 0; o < out; o++) y[o] += b[o];
        }
        return y;
    }
}
