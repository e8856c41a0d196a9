package dev.uqabench.cli;

import dev.uqabench.audit.Audit;
import dev.uqabench.audit.AuditLimits;
import dev.uqabench.audit.AuditReport;
import dev.uqabench.audit.AuditResult;
import dev.uqabench.base.UqaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code uqabench audit RUN_DIR}: do the questions leak their answers to solvers that never see the user? */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Leak audit of a run's questions: blind solvers (options only, fitted on the alignment "
                + "questions) and history oracles, scored on the test questions; writes RUN_DIR/audit/audit.json and audit.md.",
                "Exit codes: 0 no leak found (prints the table); 2 bad input (nothing written); "
                        + "3 a blind solver beat a limit (one line per breach)."})
public final class AuditCommand implements Callable<Integer> {

    /** Exit code when a blind solver beats a limit. */
    public static final int LEAK_EXIT = 3;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "Run folder holding qa/ (and usually data/).")
    Path runDir;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data folder (pretrain_data_train.arrow, tokenizer.json); default RUN_DIR/data or the qa manifest's.")
    Path data;

    @Option(names = "--all-limit", defaultValue = "30", description = "Highest blind accuracy on All tasks, %% (default: ${DEFAULT-VALUE}).")
    double allLimit;

    @Option(names = "--subtask-limit", defaultValue = "33", description = "Highest blind accuracy on a sub-task, %% (default: ${DEFAULT-VALUE}).")
    double subtaskLimit;

    @Option(names = "--min-questions", defaultValue = "250",
            description = "Sub-tasks with fewer test questions are too few to judge (default: ${DEFAULT-VALUE}).")
    int minQuestions;

    @Override
    public Integer call() {
        AuditLimits limits;
        try {
            limits = new AuditLimits(allLimit, subtaskLimit, minQuestions);
        } catch (IllegalArgumentException e) {
            throw new UqaException("--all-limit, --subtask-limit, --min-questions: " + e.getMessage());
        }
        Path qa = runDir.resolve("qa");
        if (!Files.isDirectory(qa)) {
            throw new UqaException(qa + ": no questions (folder not found)");
        }
        Path dataFolder = data != null ? data : Audit.findDataFolder(runDir);
        if (data != null && !Files.isDirectory(data)) {
            throw new UqaException(data + ": data folder not found");
        }
        AuditResult result = Audit.run(qa, dataFolder, limits);
        Audit.write(result, runDir.resolve(Audit.OUTPUT_FOLDER));
        if (result.leak()) {
            result.breaches().forEach(b -> System.out.println(b.line()));
            return LEAK_EXIT;
        }
        System.out.print(AuditReport.table(result));
        System.out.println("no leak found; wrote " + runDir.resolve(Audit.OUTPUT_FOLDER));
        return 0;
    }
}
