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

    /** The id that pads a batch of prompts: {@code <pad>}, else {@code <|endoftext|>}, else the first stop id. */
    public long padId() {
        return tokenizer.tokenId("<pad>").map(Long::valueOf)
                .or(() -> tokenizer.tokenId("<|endoftext|>").map(Long::valueOf))
                .orElse(stopIds.get(0));
    }
}
