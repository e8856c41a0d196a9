package dev.uqabench.run;

import dev.uqabench.align.AlignConfig;
import dev.uqabench.eval.Variant;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.report.UserInformation;
import java.nio.file.Path;

/**
 * The main comparisons on one seed: an embedding variant, its shuffled-user control (same encoder
 * and adapter, another test user's history) and the learned-prompt control (same number of soft
 * tokens, trained by the same recipe from no user information). Shared by the quickstart and studies.
 *
 * <p>The alignment and its evaluations form one chain, the learned-prompt control and its evaluation
 * another: with two {@link Lanes} they run side by side.
 */
public final class Controls {

    private Controls() {
    }

    /**
     * @param pipeline    the pipeline of the seed (see {@link Pipeline#forSeed})
     * @param pretrainKey folder key of the pretraining (null for a quickstart's {@code pretrain/})
     * @param alignKey    folder key of the alignment (null for a quickstart's {@code align/})
     */
    public static UserInformation.SeedEvals run(Pipeline pipeline, Lanes lanes, String embeddingName, String pretrainKey,
                                                String alignKey, PretrainConfig pretrainConfig, AlignConfig alignConfig) {
        Path pretrain = pipeline.pretrain(pretrainKey, pretrainConfig);
        return run(pipeline, lanes, embeddingName, pretrain, alignKey, alignConfig, () -> { }, () -> { });
    }

    /**
     * The comparisons on an encoder already pretrained in {@code pretrain}; {@code afterEmbedding} runs after the
     * embedding chain, in its lane, and {@code afterPrompt} after the learned-prompt chain, in its lane (other
     * evaluations that need only the LLM, split so that the lanes end together).
     */
    public static UserInformation.SeedEvals run(Pipeline pipeline, Lanes lanes, String embeddingName, Path pretrain,
                                                String alignKey, AlignConfig alignConfig,
                                                Runnable afterEmbedding, Runnable afterPrompt) {
        Variant embedding = Variant.parse(embeddingName);
        Lanes.Both<Path[], Path> done = lanes.both(() -> {
            Path align = pipeline.align(alignKey, pretrain, alignConfig);
            Path real = pipeline.evaluate(embedding, pretrain, align, alignConfig);
            Path shuffled = pipeline.evaluate(Variant.shuffled(embedding), pretrain, align, alignConfig);
            afterEmbedding.run();
            return new Path[] {real, shuffled};
        }, () -> {
            // the learned prompt is trained beside the encoder it never reads (the align stage loads one)
            Path promptAlign = pipeline.alignLearnedPrompt(pretrain, alignConfig);
            Path prompt = pipeline.evaluate(Variant.parse(Variant.LEARNED_PROMPT), pretrain, promptAlign,
                    Pipeline.learnedPromptConfig(alignConfig));
            afterPrompt.run();
            return prompt;
        });
        return new UserInformation.SeedEvals(pipeline.seed(), done.first()[0], done.first()[1], done.second());
    }
}
