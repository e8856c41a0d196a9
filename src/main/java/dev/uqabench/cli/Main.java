package dev.uqabench.cli;

import dev.uqabench.base.UqaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code uqabench} command line: one subcommand per job. */
@Command(name = "uqabench", mixinStandardHelpOptions = true, versionProvider = Main.BuildVersion.class,
        description = "Can a user embedding prompt a frozen LLM as well as the history written out as text? "
                + "The UQABench protocol on a CPU.",
        subcommands = {QuickstartCommand.class, StudyCommand.class, DataCommand.class, EncodersCommand.class, ChatCommand.class,
                AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI; user errors print one clear message and return a non-zero code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            while (!(t instanceof UqaException) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            if (t instanceof UqaException) {
                commandLine.getErr().println("error: " + t.getMessage());
                return 2;
            }
            commandLine.getErr().println("error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli.execute(args);
    }

    /** {@code --version}: the version written in pom.xml, nowhere else. */
    static final class BuildVersion implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"uqabench " + dev.uqabench.base.Versions.UQABENCH};
        }
    }
}
