package dev.uqabench.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The floors of docs/ARCHITECTURE.md stay in order: a package depends only on the floors below it (its own
 * subpackages included), so nothing below imports {@code run} or {@code cli}, no stage imports a later stage,
 * and no two packages form a cycle. Checked on the compiled classes (fully qualified uses count too).
 */
class FloorsTest {

    /** Bottom to top. A floor may use every floor before it in this list, never one after it. */
    static final List<String> FLOORS = dev.uqabench.base.CodeIdentity.FLOORS;

    /** Floors that never use libtorch through JavaCPP. */
    static final List<String> NATIVE_FREE = List.of("base", "data", "qa", "audit", "report", "run", "study", "cli");

    private static final String ROOT = "dev.uqabench";

    @Test
    void everyPackageBelongsToAFloor() {
        JavaClasses classes = mainClasses();
        List<String> strays = new ArrayList<>();
        classes.forEach(c -> {
            String rest = c.getPackageName().substring(ROOT.length());
            String top = rest.isEmpty() ? "" : rest.substring(1).split("\\.")[0];
            if (!FLOORS.contains(top)) {
                strays.add(c.getName());
            }
        });
        assertTrue(strays.isEmpty(), "classes outside every floor (add the package to FLOORS and ARCHITECTURE.md): "
                + strays);
    }

    @Test
    void noFloorDependsOnALaterOne() {
        List<String> violations = upwardDependencies(mainClasses());
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    @Test
    void packagesAreFreeOfCycles() {
        EvaluationResult result = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
                .evaluate(mainClasses());
        assertFalse(result.hasViolation(), result.getFailureReport().toString());
    }

    /**
     * libtorch (JavaCPP) stays in the model floors: tensor, nn, encoder, pretrain, llm, align and eval's answerer.
     * Data handling, questions, the audit, reports, orchestration and the CLI never touch native tensors.
     */
    @Test
    void onlyTheModelFloorsUseLibtorch() {
        EvaluationResult result = noClasses().that()
                .resideInAnyPackage(NATIVE_FREE.stream().map(f -> ROOT + "." + f + "..").toArray(String[]::new))
                .should().dependOnClassesThat().resideInAPackage("org.bytedeco..")
                .evaluate(mainClasses());
        assertFalse(result.hasViolation(), result.getFailureReport().toString());
    }

    /** The rule can fail: a test class on the ground floor that reaches up to {@code run} is caught. */
    @Test
    void anUpwardImportIsCaught() {
        JavaClasses withProbe = new ClassFileImporter().importClasses(dev.uqabench.base.UpwardProbe.class);
        List<String> violations = upwardDependencies(withProbe);
        assertEquals(1, violations.size(), violations.toString());
        assertTrue(violations.get(0).contains("base must not depend on run"), violations.get(0));
    }

    static List<String> upwardDependencies(JavaClasses classes) {
        List<String> violations = new ArrayList<>();
        for (int lower = 0; lower < FLOORS.size(); lower++) {
            List<String> later = FLOORS.subList(lower + 1, FLOORS.size());
            for (String upper : later) {
                EvaluationResult result = noClasses().that().resideInAPackage(ROOT + "." + FLOORS.get(lower) + "..")
                        .should().dependOnClassesThat().resideInAPackage(ROOT + "." + upper + "..")
                        .allowEmptyShould(true)
                        .evaluate(classes);
                if (result.hasViolation()) {
                    violations.add(FLOORS.get(lower) + " must not depend on " + upper + ":\n  "
                            + String.join("\n  ", result.getFailureReport().getDetails()));
                }
            }
        }
        return violations;
    }

    private static JavaClasses main;

    private static synchronized JavaClasses mainClasses() {
        if (main == null) {
            main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages(ROOT);
        }
        return main;
    }
}
