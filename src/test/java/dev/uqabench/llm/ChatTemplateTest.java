package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.uqabench.llm.ChatTemplate.Message.assistant;
import static dev.uqabench.llm.ChatTemplate.Message.system;
import static dev.uqabench.llm.ChatTemplate.Message.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published chat templates of Qwen2.5-Instruct and Meta-Llama-3-Instruct (copied verbatim from
 * their tokenizer_config.json into test resources) render to the strings transformers'
 * {@code apply_chat_template} produces.
 */
class ChatTemplateTest {

    private static ChatTemplate load(String file, String bos, String eos) throws IOException {
        Path path = Path.of("src", "test", "resources", "llm", "templates", file);
        return new ChatTemplate(path.toString(), Files.readString(path), bos, eos);
    }

    @Test
    void qwen25AddsItsDefaultSystemPromptAndGenerationPrompt() throws IOException {
        ChatTemplate qwen = load("qwen2.5-instruct.jinja", null, "<|im_end|>");
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nWhich item?<|im_end|>\n<|im_start|>assistant\n",
                qwen.render(List.of(user("Which item?")), true));
    }

    @Test
    void qwen25MultiTurnWithSystemPromptWithoutGenerationPrompt() throws IOException {
        ChatTemplate qwen = load("qwen2.5-instruct.jinja", null, "<|im_end|>");
        assertEquals("<|im_start|>system\nAnswer with a letter.<|im_end|>\n<|im_start|>user\nQ1\nA. x<|im_end|>\n"
                        + "<|im_start|>assistant\nA<|im_end|>\n<|im_start|>user\n  Q2 <|im_end|>\n",
                qwen.render(List.of(system("Answer with a letter."), user("Q1\nA. x"), assistant("A"), user("  Q2 ")), false));
    }

    @Test
    void llama3TrimsContentAndStartsWithBos() throws IOException {
        ChatTemplate llama = load("llama3-instruct.jinja", "<|begin_of_text|>", "<|eot_id|>");
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                llama.render(List.of(system("Be brief. "), user("\n Hi there ")), true));
    }

    @Test
    void raiseExceptionInATemplateBecomesAMessageNamingTheTemplate() {
        ChatTemplate strict = new ChatTemplate("dir/tokenizer_config.json",
                "{% if messages[0]['role'] != 'user' %}{{ raise_exception('first message must be from the user') }}{% endif %}ok",
                null, null);
        assertEquals("ok", strict.render(List.of(user("x")), false));
        UqaException e = assertThrows(UqaException.class, () -> strict.render(List.of(assistant("x")), false));
        assertTrue(e.getMessage().contains("dir/tokenizer_config.json"), e.getMessage());
        assertTrue(e.getMessage().contains("first message must be from the user"), e.getMessage());
    }

    @Test
    void aTemplateThatFailsToRenderIsReportedWithItsSource() {
        ChatTemplate broken = new ChatTemplate("dir/tokenizer_config.json", "{% for m in messages %}{{ m.content }", null, null);
        UqaException e = assertThrows(UqaException.class, () -> broken.render(List.of(user("x")), true));
        assertTrue(e.getMessage().startsWith("dir/tokenizer_config.json: chat_template failed to render"), e.getMessage());
    }

    @Test
    void toolsAreUndefinedSoQwenTakesThePlainBranch() throws IOException {
        ChatTemplate qwen = load("qwen2.5-instruct.jinja", null, "<|im_end|>");
        assertTrue(!qwen.render(List.of(user("x")), false).contains("# Tools"));
    }

    /** The framed fast path gives exactly what rendering gives, for the built-in ChatML and the published templates. */
    @Test
    void aUserPromptIsRenderedAsTheTemplateRendersIt() throws IOException {
        List<ChatTemplate> templates = List.of(
                new ChatTemplate("built-in", ChatPrompter.CHATML_TEMPLATE, null, "<|im_end|>"),
                load("qwen2.5-instruct.jinja", null, "<|im_end|>"),
                load("llama3-instruct.jinja", "<|begin_of_text|>", "<|eot_id|>"),
                new ChatTemplate("trimming", "{% for message in messages %}[{{ message['content'] | trim }}]{% endfor %}", null, null));
        for (ChatTemplate t : templates) {
            for (String content : List.of("Which item?", "  padded \n", "", "quotes ' \" and {{ braces }} and {% tags %}",
                    "line 1\nline 2\n\n")) {
                assertEquals(t.render(List.of(user(content)), true), t.renderUserPrompt(content), content);
            }
        }
        // contents are data: braces in a title are printed, not interpreted
        assertEquals("<|im_start|>user\n{{ 1 + 1 }} {% if x %}<|im_end|>\n<|im_start|>assistant\n",
                templates.get(0).render(List.of(user("{{ 1 + 1 }} {% if x %}")), true));
        assertTrue(ChatTemplate.printsContentVerbatim(ChatPrompter.CHATML_TEMPLATE));
        assertTrue(!ChatTemplate.printsContentVerbatim("{{ message['content'] | trim }}"));
        assertTrue(!ChatTemplate.printsContentVerbatim("{% if message['content'] %}{{ message['content'] }}{% endif %}"));
    }
}
