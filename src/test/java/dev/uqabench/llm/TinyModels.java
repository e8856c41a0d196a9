package dev.uqabench.llm;

import java.nio.file.Path;

/** Tiny architectures and the hand-written WordLevel tokenizer shared by the llm tests. */
final class TinyModels {
    private TinyModels() {}

    static final String QWEN_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    static Path tokenizer() {
        return Path.of("src", "test", "resources", "llm", "tiny-tokenizer.json");
    }

    /** vocab 20 (the tokenizer's), hidden 32, 4 heads over 2 kv heads, 2 layers. */
    static DecoderConfig qwen2(boolean tied) {
        return DecoderConfig.qwen2(20, 32, 48, 2, 4, 2, 128, tied);
    }
}
