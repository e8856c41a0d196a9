package dev.uqabench.llm;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.uqabench.base.UqaException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template ({@code tokenizer_config.json} key {@code chat_template}) rendered with
 * Jinjava under the settings transformers uses: {@code trim_blocks} and {@code lstrip_blocks} on,
 * {@code raise_exception(msg)} available, and {@code tools} left undefined.
 */
public final class ChatTemplate {
    private final String source;      // where the template came from, for messages
    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    /** One chat turn. */
    public record Message(String role, String content) {
        public Message {
            if (role == null || role.isBlank()) throw new IllegalArgumentException("message role is empty");
            if (content == null) throw new IllegalArgumentException("message content is null");
        }

        public static Message system(String content) { return new Message("system", content); }

        public static Message user(String content) { return new Message("user", content); }

        public static Message assistant(String content) { return new Message("assistant", content); }
    }

    /** Thrown by templates through {@code raise_exception}; reported with the template's source. */
    public static final class TemplateException extends RuntimeException {
        public TemplateException(String message) { super(message); }
    }

    public ChatTemplate(String source, String template, String bosToken, String eosToken) {
        if (template == null || template.isEmpty()) throw new UqaException(source + ": key 'chat_template' is missing");
        this.source = source;
        this.template = template;
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        // Python Jinja2 semantics: {{- -}} trims, filters bind tighter than '+', Python-style printing.
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withUseTrimmingForNotesAndExpressions(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseNaturalOperatorPrecedence(true)
                .withUsePyishObjectMapper(true)
                .withKeepNullableLoopValues(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withLegacyOverrides(python).build();
        this.jinjava = new Jinjava(config);
        try {
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                    ChatTemplate.class.getMethod("raiseException", String.class)));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Called by templates; Jinjava records the exception as a render error we then report. */
    public static Object raiseException(String message) {
        throw new TemplateException(message);
    }

    public String template() { return template; }

    public String bosToken() { return bosToken; }

    public String eosToken() { return eosToken; }

    /** The prompt text for {@code messages}; with {@code addGenerationPrompt} it ends where the assistant answers. */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> turns = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", m.role());
            turn.put("content", m.content());
            turns.add(turn);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("messages", turns);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result;
        try {
            result = jinjava.renderForResult(template, context);
        } catch (RuntimeException e) {
            throw new UqaException(source + ": chat_template failed to render: " + rootMessage(e), e);
        }
        List<String> fatal = new ArrayList<>();
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) fatal.add(describe(error));
        }
        if (!fatal.isEmpty()) {
            throw new UqaException(source + ": chat_template failed to render: " + String.join("; ", fatal));
        }
        return result.getOutput();
    }

    private static String describe(TemplateError error) {
        Throwable cause = error.getException();
        String message = cause != null ? rootMessage(cause) : error.getMessage();
        return (error.getLineno() > 0 ? "line " + error.getLineno() + ": " : "") + message;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
