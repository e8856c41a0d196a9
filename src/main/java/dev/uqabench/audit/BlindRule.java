package dev.uqabench.audit;

import dev.uqabench.qa.Subtask;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A blind solver that scores each option from its figures alone ({@link OptionFeatures}) and picks
 * the highest. It never sees the history.
 *
 * @param subtasks the sub-tasks it answers (others are "n/a")
 * @param needsCatalogue whether it reads popularity (skipped without the data folder)
 */
public record BlindRule(String name, String description, Set<Subtask> subtasks, boolean needsCatalogue,
                        ToDoubleFunction<double[]> score) {

    private static final Set<Subtask> ALL = EnumSet.allOf(Subtask.class);
    private static final Set<Subtask> COUNTS = EnumSet.of(Subtask.MF);

    /** The rule solvers, in report order. */
    public static List<BlindRule> all() {
        return List.of(
                new BlindRule("option-prior", "option string's answer rate on alignment (smoothed)", ALL, false,
                        x -> x[OptionFeatures.OPTION_RATE]),
                new BlindRule("name-mean-rate", "mean answer rate of the names in the option", ALL, false,
                        x -> x[OptionFeatures.NAME_MEAN_RATE]),
                new BlindRule("name-max-rate", "highest answer rate of a name in the option", ALL, false,
                        x -> x[OptionFeatures.NAME_MAX_RATE]),
                new BlindRule("most-popular", "option whose names are clicked most in the catalogue", ALL, true,
                        x -> x[OptionFeatures.POPULARITY_MEAN]),
                new BlindRule("least-popular", "option whose names are clicked least in the catalogue", ALL, true,
                        x -> -x[OptionFeatures.POPULARITY_MEAN]),
                new BlindRule("least-distractor", "option offered least often as a wrong option on alignment", ALL, false,
                        x -> -x[OptionFeatures.LOG_DISTRACTOR]),
                new BlindRule("most-distractor", "option offered most often as a wrong option on alignment", ALL, false,
                        x -> x[OptionFeatures.LOG_DISTRACTOR]),
                new BlindRule("letter", "the letter most often correct on alignment", ALL, false,
                        x -> x[OptionFeatures.LETTER_SHARE]),
                new BlindRule("count-largest", "largest count", COUNTS, false,
                        x -> x[OptionFeatures.COUNT_LOWER_BOUND]),
                new BlindRule("count-smallest", "smallest count", COUNTS, false,
                        x -> -x[OptionFeatures.COUNT_LOWER_BOUND]),
                new BlindRule("count-smallest-nonzero", "smallest non-zero count", COUNTS, false,
                        x -> x[10]),
                new BlindRule("count-second-smallest", "second smallest count", COUNTS, false,
                        x -> -Math.abs(x[9] - 1.0 / 3)));
    }
}
