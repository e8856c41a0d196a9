package dev.uqabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.uqabench.base.UqaException;
import dev.uqabench.run.Progress;
import dev.uqabench.run.StageRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Exit codes: a user error is one line and 2; a bug is its stack trace, a request to report it, and 1. */
class MainTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    /** A stage that writes half its output, then fails the way {@code --fail} says. */
    @Command(name = "failing-stage")
    static final class FailingStage implements Callable<Integer> {
        @Option(names = "--dir")
        Path dir;
        @Option(names = "--fail")
        String fail;

        @Override
        public Integer call() {
            new StageRunner(false, Progress.silent()).run("demo", dir.resolve("demo"),
                    JsonNodeFactory.instance.objectNode(), 1, Map.of(), work -> {
                        Files.writeString(work.resolve("half.txt"), "half");
                        switch (fail) {
                            case "bug" -> {
                                String missing = null;
                                return Map.of("length", missing.length());
                            }
                            case "user" -> throw new UqaException("input.csv, row 3: no user id");
                            case "io" -> throw new NoSuchFileException(dir.resolve("gone.txt").toString());
                            default -> {
                                return Map.of();
                            }
                        }
                    });
            return 0;
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main()).addSubcommand(new FailingStage());
        int code = Main.execute(cli, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aNullPointerExceptionInAStageIsABugWithItsStackTrace() {
        Result result = run("failing-stage", "--dir", dir.toString(), "--fail", "bug");
        assertEquals(1, result.code());
        assertTrue(result.err().startsWith("java.lang.NullPointerException"), result.err());
        assertTrue(result.err().contains("\tat dev.uqabench.cli.MainTest$FailingStage"), result.err());
        assertTrue(result.err().contains("\tat dev.uqabench.run.StageRunner.run"), result.err());
        assertTrue(result.err().strip().endsWith("uqabench 0.1.0 hit a bug; please report it with the stack trace above"),
                result.err());
        assertFalse(Files.exists(dir.resolve("demo")));
        assertFalse(Files.exists(dir.resolve(".demo.partial")), "the partial work is deleted all the same");
    }

    @Test
    void aUserErrorInAStageIsOneLine() {
        Result result = run("failing-stage", "--dir", dir.toString(), "--fail", "user");
        assertEquals(2, result.code());
        assertEquals("error: input.csv, row 3: no user id\n", result.err());
        assertFalse(Files.exists(dir.resolve(".demo.partial")));
    }

    @Test
    void aFileAStageCannotReadIsAUserErrorNamingIt() {
        Result result = run("failing-stage", "--dir", dir.toString(), "--fail", "io");
        assertEquals(2, result.code());
        assertEquals("error: demo failed: java.nio.file.NoSuchFileException: " + dir.resolve("gone.txt") + "\n",
                result.err());
    }

    @Test
    void aBadConfigKeyIsExactlyOneLine() throws Exception {
        Path config = Files.writeString(dir.resolve("old.yaml"), "pretrain:\n  batchSize: 16\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "quickstart", "--run-dir",
                dir.resolve("run").toString(), "--config", config.toString(), "--quiet");
        assertEquals(2, code);
        assertEquals("error: config file " + config + ": unknown key 'pretrain.batchSize' \u2014 keys are snake_case now: "
                + "'pretrain.batch_size'\n", err.toString());
        assertFalse(Files.exists(dir.resolve("run")));
    }

    @Test
    void aBadFlagValueIsOneLine() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "quickstart", "--run-dir",
                dir.resolve("run").toString(), "--llm-dtype", "fp8", "--quiet");
        assertEquals(2, code);
        assertEquals("error: --llm-dtype: must be fp32 or bf16, got 'fp8'\n", err.toString());
    }

    @Test
    void aMalformedCommandLineIsOneLineNotTheUsage() {
        // issue 12: picocli printed its message and then the whole usage text (69 lines) on stderr
        String[][] cases = {
            {"data", "import", "csv", "--interactions", "x.csv", "-o", "out", "--min-rating", "abc"},
            {"quickstart", "--frobnicate"},
            {"frobnicate"},
            {"data", "stats"},
        };
        String[] expected = {
            "error: Invalid value for option '--min-rating': 'abc' is not a double; see 'uqabench data import csv --help'\n",
            "error: Unknown option: '--frobnicate'; see 'uqabench quickstart --help'\n",
            "error: Unmatched argument at index 0: 'frobnicate' (did you mean chat or quickstart?); see 'uqabench --help'\n",
            "error: Missing required parameter: 'DIR'; see 'uqabench data stats --help'\n",
        };
        for (int i = 0; i < cases.length; i++) {
            StringWriter err = new StringWriter();
            int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), cases[i]);
            assertEquals(2, code, String.join(" ", cases[i]));
            assertEquals(expected[i], err.toString());
        }
    }
}
