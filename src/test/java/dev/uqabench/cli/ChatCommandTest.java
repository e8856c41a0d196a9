package dev.uqabench.cli;

import dev.uqabench.llm.ChatTemplate;
import dev.uqabench.llm.ComputeType;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.DecoderConfig;
import dev.uqabench.llm.Generation;
import dev.uqabench.llm.HfFolder;
import dev.uqabench.llm.LoadedModel;
import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.NativeThreads;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatCommandTest {
    private static final String TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    @TempDir
    Path tmp;
    private Path dir;

    @BeforeEach
    void saveTinyModel() {
        dir = tmp.resolve("tiny");
        try (PointerScope scope = new PointerScope()) {
            DecoderConfig config = DecoderConfig.qwen2(20, 32, 48, 2, 4, 2, 128, true);
            HfFolder.save(Decoder.create(config, 5), dir, Path.of("src", "test", "resources", "llm", "tiny-tokenizer.json"),
                    TEMPLATE, null, "<|im_end|>", DType.F32);
        }
    }

    /** The answer computed directly through the library, for comparison. */
    private String expectedAnswer(String user) {
        try (PointerScope scope = new PointerScope()) {
            LoadedModel m = HfFolder.load(dir, ComputeType.FP32);
            long[] ids = m.tokenizer().encode(m.chatTemplate().render(List.of(ChatTemplate.Message.user(user)), true));
            long[] out = Generation.generate(m.decoder(), List.of(ids), Generation.Settings.greedy(5, m.stopIds())).get(0);
            String text = m.tokenizer().decode(out, true);
            m.tokenizer().close();
            return text;
        }
    }

    private int run(String input, StringWriter out, StringWriter err, String... args) {
        return run(new ChatCommand(), input, out, err, args);
    }

    private int run(ChatCommand command, String input, StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(command.withInput(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void oneShotPromptPrintsTheGreedyAnswer() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run("", out, err, "--llm", dir.toString(), "--max-new-tokens", "5", "hello world");
        assertEquals(0, code, err.toString());
        assertEquals(expectedAnswer("hello world") + System.lineSeparator(), out.toString());
    }

    @Test
    void interactiveModeAnswersEachTurnAndResetsHistory() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run("hello\n/reset\nhello world\n/exit\n", out, err, "--llm", dir.toString(), "--max-new-tokens", "5");
        assertEquals(0, code, err.toString());
        String text = out.toString();
        assertTrue(text.startsWith("Chatting with " + dir), text);
        assertTrue(text.contains("> " + expectedAnswer("hello") + System.lineSeparator()), text);
        assertTrue(text.contains("> " + expectedAnswer("hello world") + System.lineSeparator()), text);
    }

    @Test
    void anUnknownDtypeIsAnErrorNamingIt() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = run("", out, err, "--llm", dir.toString(), "--dtype", "fp16", "hi");
        assertNotEquals(0, code);
        // issue 12: the message now names the flag
        assertTrue(err.toString().contains("--dtype: expected auto, fp32 or bf16, got 'fp16'"), err.toString());
        StringWriter mainErr = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(mainErr), "chat", "--llm",
                dir.toString(), "--dtype", "fp16", "hi"));
        assertEquals("error: --dtype: expected auto, fp32 or bf16, got 'fp16'\n", mainErr.toString());
    }

    @Test
    void aTemperatureThatIsNotAFiniteNonNegativeNumberIsRefusedInOneLine() {
        for (String bad : new String[] {"NaN", "-1", "Infinity"}) {
            StringWriter mainErr = new StringWriter();
            assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(mainErr), "chat", "--llm",
                    dir.toString(), "--temperature", bad, "hi"), bad);
            assertTrue(mainErr.toString().startsWith("error: --temperature must be a finite number >= 0, got "),
                    mainErr.toString());
            assertEquals(1, mainErr.toString().lines().count(), mainErr.toString());
        }
    }

    /** auto keeps a bf16 checkpoint in bf16 only where the CPU has bf16 natively (AVX2-only: 10-40x slower). */
    @Test
    void autoComputesInBf16OnlyOnACpuWithNativeBf16() {
        assertEquals(ComputeType.BF16, ChatCommand.autoComputeType(ComputeType.BF16, true));
        assertEquals(ComputeType.FP32, ChatCommand.autoComputeType(ComputeType.BF16, false));
        assertEquals(ComputeType.FP32, ChatCommand.autoComputeType(ComputeType.FP32, true));
        assertEquals(ComputeType.FP32, ChatCommand.autoComputeType(ComputeType.FP32, false));
    }

    /**
     * An fp32 chat under the launcher's default takes libtorch's thread count for OpenBLAS while it runs, keeps a count
     * the user set, and gives the process its setting back either way.
     */
    @Test
    void anFp32ChatRaisesOnlyTheLaunchersBlasDefaultAndRestoresIt() {
        int original = NativeThreads.blasThreads();
        int intraOp = NativeThreads.intraOpThreads();
        try {
            NativeThreads.setBlasThreads(intraOp + 1);           // a count neither path would set
            StringWriter out = new StringWriter(), err = new StringWriter();
            assertEquals(0, run(new ChatCommand().withEnvironment(Map.of("OPENBLAS_NUM_THREADS", "1",
                    "UQABENCH_BLAS_DEFAULT", "1")), "hello\n/exit\n", out, err, "--llm", dir.toString(), "--dtype", "fp32",
                    "--max-new-tokens", "3"), err.toString());
            assertTrue(out.toString().contains("fp32 compute, " + intraOp + " threads, OpenBLAS " + intraOp), out.toString());
            assertEquals(intraOp + 1, NativeThreads.blasThreads(), "restored");

            out = new StringWriter();
            assertEquals(0, run(new ChatCommand().withEnvironment(Map.of("OPENBLAS_NUM_THREADS", "5")), "hello\n/exit\n",
                    out, err, "--llm", dir.toString(), "--dtype", "fp32", "--max-new-tokens", "3"), err.toString());
            assertTrue(out.toString().contains("OpenBLAS " + (intraOp + 1)), "the user's count kept: " + out);
        } finally {
            NativeThreads.setBlasThreads(original);
        }
        assertTrue(ChatCommand.blasThreadsAreTheDefault(Map.of()));
        assertTrue(ChatCommand.blasThreadsAreTheDefault(Map.of("OPENBLAS_NUM_THREADS", "1", "UQABENCH_BLAS_DEFAULT", "1")));
        assertFalse(ChatCommand.blasThreadsAreTheDefault(Map.of("OPENBLAS_NUM_THREADS", "1")));
    }

    @Test
    void aConversationBeyondTheModelsPositionsIsWarnedAbout() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(0, run("", out, err, "--llm", dir.toString(), "--max-new-tokens", "5", "hi"), err.toString());
        assertEquals("", err.toString());
        assertEquals(0, run("", out, err, "--llm", dir.toString(), "--max-new-tokens", "200", "hi"), err.toString());
        assertTrue(err.toString().startsWith("warning: the conversation is ") && err.toString().contains(
                "may grow by 200, beyond the model's max_position_embeddings 128"), err.toString());
    }
}
