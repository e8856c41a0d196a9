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
    private volatile String[] userFrame;      // text before and after a lone user turn's content, once known

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
        // Message contents are data, as in Jinja2: Jinjava would otherwise render a '{{' or '{%' inside one.
        JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withNestedInterpretationEnabled(false)
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

    /**
     * The prompt text of a single user turn followed by the generation prompt: {@code render([user(content)], true)}.
     * A template that only prints each message's content verbatim (each use of {@code content} is
     * {@code message['content']} inside a {@code {{ }}} expression) frames every content the same way, so it is
     * rendered once with two probe contents and the frame reused; any other template is rendered every time.
     */
    public String renderUserPrompt(String content) {
        String[] frame = userFrame;
        if (frame == null) {
            frame = printsContentVerbatim(template) ? probeFrame() : new String[0];
            userFrame = frame;
        }
        if (frame.length == 0) return render(List.of(Message.user(content)), true);
        return frame[0] + content + frame[1];
    }

    /** The text around a user turn's content, or an empty array when two probes are not framed alike. */
    private String[] probeFrame() {
        String[] frame = null;
        for (String probe : new String[] {" \n<probe-1>{{ x }}\n ", "\t'second probe' \"2\"\n"}) {
            String out = render(List.of(Message.user(probe)), true);
            int at = out.indexOf(probe);
            if (at < 0 || out.indexOf(probe, at + 1) >= 0) return new String[0];
            String[] f = {out.substring(0, at), out.substring(at + probe.length())};
            if (frame != null && !java.util.Arrays.equals(frame, f)) return new String[0];
            frame = f;
        }
        return frame;
    }

    static boolean printsContentVerbatim(String template) {
        int uses = 0;
        for (int at = template.indexOf("content"); at >= 0; at = template.indexOf("content", at + 1)) uses++;
        int verbatim = 0;
        java.util.regex.Matcher expressions = java.util.regex.Pattern.compile("\\{\\{(.*?)}}", java.util.regex.Pattern.DOTALL)
                .matcher(template);
        while (expressions.find()) {
            String expression = expressions.group(1);
            for (int at = expression.indexOf("message['content']"); at >= 0;
                 at = expression.indexOf("message['content']", at + 1)) {
                String after = expression.substring(at + "message['content']".length()).stripLeading();
                if (!after.startsWith("|")) verbatim++;           // a filter would change the content
            }
        }
        return uses > 0 && uses == verbatim;
    }

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
