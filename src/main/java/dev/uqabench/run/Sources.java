package dev.uqabench.run;

import dev.uqabench.base.UqaException;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.llm.HfFolder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run's data and LLM come from. Everything null: the built-in synthetic data and the tiny
 * LLM trained by the project. {@code dataFolder}: a UQABench release-layout folder read as is (its own
 * align files when present, else questions are built from its sequences); {@code featureTokenizer}:
 * the tokenizer that made the folder's BPE ids (a {@code tokenizer.json} or its folder), needed when
 * the folder has none; {@code llmFolder}: a Hugging Face Qwen2/Llama checkpoint folder, frozen.
 *
 * @param llmDtype compute dtype of a real LLM: {@code fp32} or {@code bf16}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Sources(String dataFolder, String featureTokenizer, String llmFolder, String llmDtype) {

    public Sources {
        if (llmDtype != null && !llmDtype.equals("fp32") && !llmDtype.equals("bf16")) {
            throw new IllegalArgumentException("llmDtype must be fp32 or bf16, got '" + llmDtype + "'");
        }
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
                    throw new UqaException("sources.dataFolder: " + d.resolve(f) + " does not exist");
                }
            }
            boolean hasTokenizer = Files.isRegularFile(d.resolve(ReleaseLayout.TOKENIZER_JSON));
            if (!hasTokenizer && featureTokenizer == null) {
                throw new UqaException("sources.featureTokenizer: " + d + " has no tokenizer.json; name the tokenizer "
                        + "that made its *_bpe_token_ids (e.g. a Qwen2 folder)");
            }
        }
        if (featureTokenizer != null && !Files.exists(Path.of(featureTokenizer))) {
            throw new UqaException("sources.featureTokenizer: " + featureTokenizer + " does not exist");
        }
        if (llmFolder != null) {
            Path l = Path.of(llmFolder);
            if (!Files.isDirectory(l)) {
                throw new UqaException("sources.llmFolder: " + l + " is not a folder");
            }
            if (!Files.isRegularFile(l.resolve(HfFolder.CONFIG))) {
                throw new UqaException("sources.llmFolder: " + l.resolve(HfFolder.CONFIG) + " does not exist");
            }
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
