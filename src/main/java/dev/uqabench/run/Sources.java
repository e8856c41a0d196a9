package dev.uqabench.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.llm.HfFolder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run's data and LLM come from. Everything null: the built-in synthetic data and the tiny
 * LLM trained by the project. {@code data_folder}: a UQABench release-layout folder read as is (its own
 * align files when present, else questions are built from its sequences); {@code feature_tokenizer}:
 * the tokenizer that made the folder's BPE ids (a {@code tokenizer.json} or its folder), needed when
 * the folder has none; {@code llm_folder}: a Hugging Face Qwen2/Llama checkpoint folder, frozen.
 *
 * @param dataFolder       a UQABench release-layout folder read as is instead of the synthetic data (`--data`)
 * @param featureTokenizer the tokenizer.json (or its folder) that made the data folder's BPE ids (`--feature-tokenizer`)
 * @param llmFolder        a Hugging Face Qwen2/Llama folder used frozen instead of the tiny LLM (`--llm`)
 * @param llmDtype compute dtype ({@code llm_dtype}) of a real LLM: {@code fp32} or {@code bf16}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Sources(String dataFolder, String featureTokenizer, String llmFolder, String llmDtype) {

    public Sources {
        ConfigException.require(llmDtype == null || llmDtype.equals("fp32") || llmDtype.equals("bf16"), "sources",
                "llm_dtype", "must be fp32 or bf16, got '" + llmDtype + "'");
    }

    public static Sources builtIn() {
        return new Sources(null, null, null, null);
    }

    /** These sources with every non-null field of {@code other} taken from it (command-line flags over a config file). */
    public Sources overriddenBy(Sources other) {
        return new Sources(pick(other.dataFolder, dataFolder), pick(other.featureTokenizer, featureTokenizer),
                pick(other.llmFolder, llmFolder), pick(other.llmDtype, llmDtype));
    }

    private static String pick(String preferred, String fallback) {
        return preferred != null ? preferred : fallback;
    }

    /** Checks every named folder before any work, so a typo fails at once naming the key. */
    public void validate() {
        if (dataFolder != null) {
            Path d = Path.of(dataFolder);
            for (String f : new String[] {ReleaseLayout.PRETRAIN_TRAIN, ReleaseLayout.PRETRAIN_EVAL}) {
                if (!Files.isRegularFile(d.resolve(f))) {
                    throw new ConfigException(null, "sources.data_folder", d.resolve(f) + " does not exist");
                }
            }
            boolean hasTokenizer = Files.isRegularFile(d.resolve(ReleaseLayout.TOKENIZER_JSON));
            if (!hasTokenizer && featureTokenizer == null) {
                throw new ConfigException(null, "sources.feature_tokenizer", d + " has no tokenizer.json; name the "
                        + "tokenizer that made its *_bpe_token_ids (e.g. a Qwen2 folder)");
            }
        }
        if (featureTokenizer != null && !Files.exists(Path.of(featureTokenizer))) {
            throw new ConfigException(null, "sources.feature_tokenizer", featureTokenizer + " does not exist");
        }
        if (llmFolder != null) {
            Path l = Path.of(llmFolder);
            if (!Files.isDirectory(l)) {
                throw new ConfigException(null, "sources.llm_folder", l + " is not a folder");
            }
            if (!Files.isRegularFile(l.resolve(HfFolder.CONFIG))) {
                throw new ConfigException(null, "sources.llm_folder", l.resolve(HfFolder.CONFIG) + " does not exist");
            }
            // before any stage runs: the tokenizer's presence (named by key here), then HfFolder.validate: the config,
            // the tokenizer, the weight files' headers against the config and every weight finite (one read of the
            // weights, whose mappings are then released; the LLM is loaded when a stage first needs it)
            if (!Files.isRegularFile(l.resolve(HfFolder.TOKENIZER))) {
                throw new ConfigException(null, "sources.llm_folder", l.resolve(HfFolder.TOKENIZER) + " does not exist");
            }
            HfFolder.validate(l);
        }
    }

    /** The tokenizer that decodes the data's token ids to text. */
    public Path featureTokenizerFile(Path dataFolder) {
        if (featureTokenizer != null) {
            Path p = Path.of(featureTokenizer);
            return Files.isDirectory(p) ? p.resolve(ReleaseLayout.TOKENIZER_JSON) : p;
        }
        return dataFolder.resolve(ReleaseLayout.TOKENIZER_JSON);
    }
}
