package dev.uqabench.study;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.report.EvalFolders;
import dev.uqabench.report.UserInformation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyHeadlineTest {

    @TempDir
    Path dir;

    /** An eval folder whose first {@code right} of 100 questions are answered correctly. */
    private Path eval(String name, int right) throws Exception {
        return EvalFolders.withAccuracy(dir, name, right);
    }

    private static StudyRow row(String name, String kind, int textEvents) {
        return new StudyRow(name, kind, null, null, null, null, null, textEvents, 0, 0, 100, 10, 0.01,
                java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), name);
    }

    @Test
    void theStudyReportLeadsWithTheGainAndSaysWherePicksWereMade() throws Exception {
        eval("none", 28);
        eval("text10", 50);
        eval("text20", 70);
        List<StudyRow> rows = List.of(row("none", "none", 0), row("text10", "text", 10),
                row("text20", "text", 20));
        List<UserInformation.SeedEvals> seeds = List.of(
                new UserInformation.SeedEvals(1, eval("e1", 60), eval("s1", 30), eval("l1", 30)),
                new UserInformation.SeedEvals(2, eval("e2", 58), eval("s2", 31), eval("l2", 30)));
        String onTest = StudyReport.headline(dir, StudyConfig.quick(), rows,
                new StudyReport.Controls("sasrec-meanpool", seeds, null));
        assertTrue(onTest.contains("**holds on every seed**"), onTest);
        assertTrue(onTest.contains("Text baseline gain: text20 70.0 − none 28.0"), "text20 preferred: " + onTest);
        assertTrue(onTest.contains("made **on the test questions**"), onTest);
        assertTrue(onTest.contains("matrix of the first seed (1) only"), onTest);
        String onValid = StudyReport.headline(dir, StudyConfig.quick(), rows,
                new StudyReport.Controls("sasrec-meanpool", seeds.subList(0, 1), java.util.Map.of("text20", 60.0)));
        assertTrue(onValid.contains("made on the validation questions"), onValid);
        assertTrue(onValid.contains("**User-information gain**: sasrec-meanpool 60.0 − sasrec-meanpool-shuffled 30.0"), onValid);
    }
}
