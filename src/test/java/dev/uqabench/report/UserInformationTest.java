package dev.uqabench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserInformationTest {

    @TempDir
    Path dir;

    /** An eval folder whose first {@code right} of 100 questions are answered correctly. */
    private Path eval(String name, int right) throws Exception {
        return EvalFolders.withAccuracy(dir, name, right);
    }

    @Test
    void oneSeedShowsTheGainWithItsPValueBesideTextAndLearnedPrompt() throws Exception {
        UserInformation.SeedEvals seed = new UserInformation.SeedEvals(42, eval("emb", 60), eval("shuf", 30), eval("lp", 32));
        String md = UserInformation.section("All tasks", "sasrec-meanpool", List.of(seed), "text20", eval("text20", 70),
                eval("none", 28));
        assertTrue(md.contains("**User-information gain**: sasrec-meanpool 60.0 − sasrec-meanpool-shuffled 30.0 = +30.0 points "
                + "(McNemar p = 1.86e-09, 30 vs 0 discordant) — significant at 5 %"), md);
        assertTrue(md.contains("Text baseline gain: text20 70.0 − none 28.0 = +42.0 points (McNemar p = "), md);
        assertTrue(md.contains("Learned prompt vs shuffled user: learned-prompt 32.0 − sasrec-meanpool-shuffled 30.0 = +2.0 points"), md);
        assertTrue(md.contains("**within noise**"), "learned prompt vs shuffled: 2 vs 0 discordant");
    }

    @Test
    void severalSeedsGivePerSeedValuesMeanSdAndHoldOnlyIfEverySeedHolds() throws Exception {
        List<UserInformation.SeedEvals> seeds = List.of(
                new UserInformation.SeedEvals(1, eval("e1", 60), eval("s1", 30), eval("l1", 30)),
                new UserInformation.SeedEvals(2, eval("e2", 50), eval("s2", 30), eval("l2", 30)),
                new UserInformation.SeedEvals(3, eval("e3", 31), eval("s3", 30), eval("l3", 30)));
        String md = UserInformation.section("All tasks", "sasrec-meanpool", seeds, null, null, eval("none", 28));
        assertTrue(md.contains("**User-information gain** (sasrec-meanpool − sasrec-meanpool-shuffled): +17.0 ± 14.7 points "
                + "over 3 seeds; **does not hold on every seed** (positive and significant on 2 of 3)"), md);
        assertTrue(md.contains("| 3 | 31.0 | 30.0 | 30.0 | +1.0 | 1.00 | +0.0 | 1.00 |"), md);
        assertTrue(md.contains("| mean ± sd | 47.0 ± 14.7 | 30.0 ± 0.0 | 30.0 ± 0.0 | +17.0 ± 14.7 |"), md);
        assertFalse(md.contains("Text baseline gain"), "no text baseline given");
    }

    @Test
    void aFindingHoldsOnlyWhenPositiveAndSignificantOnEverySeed() {
        Significance.Paired strong = new Significance.Paired(100, 30, 0, 1e-9);
        Significance.Paired noisy = new Significance.Paired(100, 3, 1, 0.6);
        UserInformation.Difference a = new UserInformation.Difference("a", "b", 60, 30, strong);
        UserInformation.Difference b = new UserInformation.Difference("a", "b", 32, 30, noisy);
        assertTrue(UserInformation.verdict(List.of(a, a)).contains("holds on every seed"));
        assertTrue(UserInformation.verdict(List.of(a, b)).contains("does not hold on every seed"));
        assertEquals("+30.0 ± 0.0", UserInformation.meanSd(List.of(a, a), UserInformation.Difference::points, true));
    }
}
