package dev.uqabench.cli;

import dev.uqabench.llm.ChatTemplate;
import dev.uqabench.llm.ComputeType;
import dev.uqabench.llm.Generation;
import dev.uqabench.llm.HfFolder;
import dev.uqabench.llm.LoadedModel;
import dev.uqabench.tensor.CpuFeatures;
import dev.uqabench.tensor.NativeThreads;
import dev.uqabench.base.UqaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code uqabench chat --llm DIR "prompt"}: one answer, or an interactive conversation without a prompt. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with a Hugging Face Qwen2/Llama checkpoint folder (interactive when no prompt is given).")
public final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--llm", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint folder.")
    Path llm;

    @Option(names = "--dtype", defaultValue = "auto", paramLabel = "auto|fp32|bf16",
            description = "Compute dtype; auto = bf16 for a bf16/f16 checkpoint on a CPU with native bf16 (AVX-512 bf16 "
                    + "or AMX), else fp32 (default: ${DEFAULT-VALUE}). fp32 products use as many OpenBLAS threads as "
                    + "libtorch has (OMP_NUM_THREADS).")
    String dtype;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt (default: the template's own).")
    String system;

    @Option(names = "--max-new-tokens", defaultValue = "256", description = "Most tokens per answer (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "The user message; omit for interactive mode.")
    String prompt;

    private InputStream input = System.in;
    private Map<String, String> environment = System.getenv();

    /** For tests: the environment the OpenBLAS thread choice reads. */
    ChatCommand withEnvironment(Map<String, String> env) {
        this.environment = env;
        return this;
    }

    /** For tests: where interactive mode reads user turns. */
    ChatCommand withInput(InputStream in) {
        this.input = in;
        return this;
    }

    @Override
    public Integer call() throws Exception {
        if (maxNewTokens < 1) throw new UqaException("--max-new-tokens must be at least 1, got " + maxNewTokens);
        if (!(temperature >= 0 && Double.isFinite(temperature))) {
            throw new UqaException("--temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new UqaException("--top-p must be in (0, 1], got " + topP);
        if (!List.of("auto", "fp32", "bf16").contains(dtype)) {
            throw new UqaException("--dtype: expected auto, fp32 or bf16, got '" + dtype + "'");
        }
        ComputeType checkpoint = dtype.equals("auto") ? HfFolder.checkpointComputeType(llm) : null;
        ComputeType computeType = checkpoint != null ? autoComputeType(checkpoint, CpuFeatures.nativeBf16())
                : ComputeType.parse(dtype);
        boolean fellBack = checkpoint == ComputeType.BF16 && computeType == ComputeType.FP32;
        if (computeType == ComputeType.BF16 && !CpuFeatures.nativeBf16()) {
            spec.commandLine().getErr().println("warning: this CPU has no native bf16 (AVX-512 bf16 or AMX): bf16 "
                    + "products run many times slower than --dtype fp32");
        }
        int blasThreads = NativeThreads.blasThreads();
        if (computeType == ComputeType.FP32 && blasThreadsAreTheDefault(environment)) {
            // one conversation alone on the machine: float32 products through OpenBLAS on every core (the 0.5B
            // decoder's prefill 1.4-1.6x, decode 1.4-1.7x with 2 threads against 1 on 2 cores; bench/perf/README.md)
            NativeThreads.setBlasThreads(NativeThreads.intraOpThreads());
        }
        try {
            return chat(computeType, fellBack);
        } finally {
            NativeThreads.setBlasThreads(blasThreads);           // the setting is the process's, not the command's
        }
    }

    private int chat(ComputeType computeType, boolean fellBack) throws Exception {
        LoadedModel model = HfFolder.load(llm, computeType);
        if (model.chatTemplate() == null) {
            throw new UqaException(llm.resolve(HfFolder.TOKENIZER_CONFIG) + ": key 'chat_template' is missing");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<ChatTemplate.Message> history = new ArrayList<>();
        if (system != null) history.add(ChatTemplate.Message.system(system));
        try {
            if (prompt != null) {
                answer(model, history, prompt, out);
                return 0;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
            out.println("Chatting with " + llm + " (" + model.config().modelType() + ", " + describe(computeType, fellBack)
                    + "). /reset clears, /exit or EOF ends.");
            while (true) {
                out.print("> ");
                out.flush();
                String line = reader.readLine();
                if (line == null || line.strip().equals("/exit")) return 0;
                if (line.strip().equals("/reset")) {
                    history.removeIf(m -> !m.role().equals("system"));
                    continue;
                }
                if (!line.isBlank()) answer(model, history, line, out);
            }
        } finally {
            model.tokenizer().close();
        }
    }

    /**
     * {@code --dtype auto}: the checkpoint's own precision where the CPU computes it natively; float32 otherwise (an
     * AVX2-only CPU runs bf16 products 10-40x slower than float32).
     */
    static ComputeType autoComputeType(ComputeType checkpoint, boolean nativeBf16) {
        return checkpoint == ComputeType.BF16 && nativeBf16 ? ComputeType.BF16 : ComputeType.FP32;
    }

    /** Whether OpenBLAS's thread count is the launcher's default (or unset), not one the user chose. */
    static boolean blasThreadsAreTheDefault(Map<String, String> env) {
        return env.get("OPENBLAS_NUM_THREADS") == null || env.get("UQABENCH_BLAS_DEFAULT") != null;
    }

    /** The compute path for the interactive header; {@code fellBack}: auto chose fp32 for a 16-bit checkpoint. */
    private static String describe(ComputeType computeType, boolean fellBack) {
        return (computeType == ComputeType.BF16 ? "bf16" : "fp32") + " compute, " + NativeThreads.intraOpThreads()
                + " threads, OpenBLAS " + NativeThreads.blasThreads()
                + (fellBack ? " (a 16-bit checkpoint; this CPU has no native bf16)" : "");
    }

    /** Generates the assistant turn for {@code userText}, streaming it to {@code out}, and records both turns. */
    private void answer(LoadedModel model, List<ChatTemplate.Message> history, String userText, PrintWriter out) {
        history.add(ChatTemplate.Message.user(userText));
        String text = model.chatTemplate().render(history, true);
        long[] ids = model.tokenizer().encode(text);
        int limit = model.config().maxPositionEmbeddings();
        if (ids.length + (long) maxNewTokens > limit) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("warning: the conversation is " + ids.length + " tokens and may grow by " + maxNewTokens
                    + ", beyond the model's max_position_embeddings " + limit + ": answers past it are unreliable"
                    + " (/reset clears the history)");
            err.flush();
        }
        Generation.Settings settings = new Generation.Settings(maxNewTokens, temperature, topP, seed, model.stopIds());
        List<Long> generated = new ArrayList<>();
        int[] printed = {0};
        Generation.generate(model.decoder(), List.of(ids), settings, (row, token) -> {
            generated.add(token);
            String sofar = model.tokenizer().decode(generated.stream().mapToLong(Long::longValue).toArray(), true);
            // Hold back a trailing replacement character: the rest of a multi-byte character is coming.
            int stable = sofar.endsWith("\uFFFD") ? sofar.length() - 1 : sofar.length();
            if (stable > printed[0]) {
                out.print(sofar.substring(printed[0], stable));
                out.flush();
                printed[0] = stable;
            }
        });
        String reply = model.tokenizer().decode(generated.stream().mapToLong(Long::longValue).toArray(), true);
        if (reply.length() > printed[0]) out.print(reply.substring(printed[0]));
        out.println();
        out.flush();
        history.add(ChatTemplate.Message.assistant(reply));
    }
}
