package dev.uqabench.cli;

import dev.uqabench.base.UqaException;
import dev.uqabench.base.Versions;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code uqabench} command line: one subcommand per job. */
@Command(name = "uqabench", mixinStandardHelpOptions = true, versionProvider = Main.BuildVersion.class,
        description = "Can a user embedding prompt a frozen LLM as well as the history written out as text? "
                + "The UQABench protocol on a CPU.",
        subcommands = {QuickstartCommand.class, StudyCommand.class, PretrainCommand.class, LaunchCommand.class, DataCommand.class, EncodersCommand.class, ChatCommand.class,
                ConfigCommand.class,
                AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code of a user error. */
    public static final int USER_ERROR = 2;
    /** Exit code of a bug. */
    public static final int BUG = 1;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        dev.uqabench.base.StopRequest.install();
        System.exit(execute(args));
    }

    /**
     * Runs the CLI and returns its exit code. A user error ({@link UqaException}: bad input, bad config,
     * a missing file) prints one line naming the file, row or key and returns 2; anything else is a bug:
     * the stack trace and a request to report it, and 1.
     */
    public static int execute(String... args) {
        return execute(new CommandLine(new Main()), null, null, args);
    }

    /** {@link #execute(String...)} writing to {@code out} and {@code err}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(new CommandLine(new Main()), out, err, args);
    }

    /**
     * Runs {@code cli} (this command line, possibly with more subcommands) with its error handling,
     * writing to {@code out} and {@code err} (null: stdout and stderr).
     */
    public static int execute(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        cli.setParameterExceptionHandler(Main::badArguments);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof dev.uqabench.base.StopRequest.Stopped stopped) {
                commandLine.getErr().println(stopped.getMessage());
                commandLine.getErr().flush();
                return stopped.exitStatus();
            }
            if (ex instanceof UqaException) {
                // one line, whatever a library put in the message: scripts and people read the first line
                commandLine.getErr().println("error: " + String.join(" ", String.valueOf(ex.getMessage()).lines()
                        .map(String::strip).filter(l -> !l.isEmpty()).toList()));
                commandLine.getErr().flush();
                return USER_ERROR;
            }
            return reportBug(ex, commandLine.getErr());
        });
        try {
            return cli.execute(args);
        } catch (Error e) {
            return reportBug(e, cli.getErr());
        }
    }

    /**
     * A command line picocli cannot parse (unknown command or option, a missing or malformed value): one line
     * naming the argument, with picocli's suggestions and where the usage is, instead of the whole usage text.
     */
    static int badArguments(CommandLine.ParameterException ex, String[] args) {
        CommandLine where = ex.getCommandLine();
        StringBuilder line = new StringBuilder("error: ");
        line.append(String.join(" ", ex.getMessage().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()));
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            line.append(" (did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append("?)");
        }
        line.append("; see '").append(where.getCommandSpec().qualifiedName()).append(" --help'");
        where.getErr().println(line);
        where.getErr().flush();
        return USER_ERROR;
    }

    private static int reportBug(Throwable bug, PrintWriter err) {
        bug.printStackTrace(err);
        if (bug instanceof OutOfMemoryError) {
            err.println("uqabench ran out of memory: give the JVM more (-Xmx) or choose smaller settings");
        } else {
            err.println("uqabench " + Versions.UQABENCH + " hit a bug; please report it with the stack trace above");
        }
        err.flush();
        return BUG;
    }

    /** {@code --version}: the version written in pom.xml, nowhere else. */
    static final class BuildVersion implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"uqabench " + dev.uqabench.base.Versions.UQABENCH};
        }
    }
}
