package dev.uqabench.llm;

import java.util.List;

/**
 * Everything needed to prompt one checkpoint: its architecture, the frozen decoder, the tokenizer, the
 * chat template (null when the folder has none) and the token ids that end generation.
 */
public record LoadedModel(DecoderConfig config, Decoder decoder, LlmTokenizer tokenizer, ChatTemplate chatTemplate,
                          List<Long> stopIds) {
    public LoadedModel {
        stopIds = List.copyOf(stopIds);
    }
}
