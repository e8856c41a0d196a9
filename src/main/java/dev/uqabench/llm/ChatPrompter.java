package dev.uqabench.llm;

import java.util.List;

/**
 * Turns a user turn into the token ids the model is prompted with (chat template, generation
 * prompt added, no special tokens added twice), and an answer into its target ids.
 */
public final class ChatPrompter {

    /** ChatML, as Qwen2 uses it, without a default system prompt (the tiny LLM has no use for one). */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private final LlmTokenizer tokenizer;
    private final ChatTemplate template;
    private final long endOfTurn;

    public ChatPrompter(LlmTokenizer tokenizer, ChatTemplate template, long endOfTurn) {
        if (template == null) {
            throw new IllegalArgumentException(tokenizer.source() + ": the model has no chat template");
        }
        this.tokenizer = tokenizer;
        this.template = template;
        this.endOfTurn = endOfTurn;
    }

    public static ChatPrompter of(LoadedModel model) {
        if (model.stopIds().isEmpty()) {
            throw new IllegalArgumentException(model.tokenizer().source() + ": no stop token (eos) is configured");
        }
        return new ChatPrompter(model.tokenizer(), model.chatTemplate(), model.stopIds().get(0));
    }

    /** Ids of the chat up to and including the assistant's generation prompt. */
    public long[] prompt(String userTurn) {
        return tokenizer.encode(template.renderUserPrompt(userTurn), false);
    }

    /** Ids of an assistant answer followed by the end-of-turn token. */
    public long[] answer(String text) {
        long[] ids = tokenizer.encode(text, false);
        long[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = endOfTurn;
        return out;
    }

    public String decode(long id) {
        return tokenizer.decode(new long[] {id}, false);
    }

    public LlmTokenizer tokenizer() {
        return tokenizer;
    }
}
