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
 */
public final class Controls {

    private Controls() {
    }

    /**
     * @param pipeline    the pipeline of the seed (see {@link Pipeline#forSeed})
     * @param pretrainKey folder key of the pretraining (null for a quickstart's {@code pretrain/})
     * @param alignKey    folder key of the alignment (null for a quickstart's {@code align/})
     */
    public static UserInformation.SeedEvals run(Pipeline pipeline, String embeddingName, String pretrainKey, String alignKey,
                                         PretrainConfig pretrainConfig, AlignConfig alignConfig) {
        Path pretrain = pipeline.pretrain(pretrainKey, pretrainConfig);
        Path align = pipeline.align(alignKey, pretrain, alignConfig);
        Variant embedding = Variant.parse(embeddingName);
        Path real = pipeline.evaluate(embedding, pretrain, align, alignConfig);
        Path shuffled = pipeline.evaluate(Variant.shuffled(embedding), pretrain, align, alignConfig);
        // the learned prompt is trained beside the encoder it never reads (the align stage loads one)
        Path promptAlign = pipeline.alignLearnedPrompt(pretrain, align, alignConfig);
        Path prompt = pipeline.evaluate(Variant.parse(Variant.LEARNED_PROMPT), pretrain, promptAlign,
                Pipeline.learnedPromptConfig(align, alignConfig));
        return new UserInformation.SeedEvals(pipeline.seed(), real, shuffled, prompt);
    }
}
