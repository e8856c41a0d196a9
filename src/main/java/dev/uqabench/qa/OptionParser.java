package dev.uqabench.qa;

import dev.uqabench.base.UqaException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the four options back out of a question's text ("A. ..." to "D. ...", one per line), as
 * both our questions and the UQABench release write them, so any question can be scored by
 * option likelihood.
 */
public final class OptionParser {

    private static final Pattern OPTION = Pattern.compile("^\\s*([A-D])\\s*[.．、:：)]\\s*(.*?)\\s*$");

    private OptionParser() {
    }

    /** The option texts in order A-D; {@code where} names the row for the error message. */
    public static List<String> parse(String question, String where) {
        String[] found = new String[4];
        for (String line : question.split("\\R")) {
            Matcher m = OPTION.matcher(line);
            if (m.matches()) {
                found[m.group(1).charAt(0) - 'A'] = m.group(2);
            }
        }
        List<String> options = new ArrayList<>(4);
        for (int i = 0; i < 4; i++) {
            if (found[i] == null || found[i].isEmpty()) {
                throw new UqaException(where + ": option " + (char) ('A' + i) + " not found in the question text "
                        + "(expected one line per option, like 'A. text')");
            }
            options.add(found[i]);
        }
        return options;
    }

    /** The text of the gold option. */
    public static String goldText(String question, String answerLetter, String where) {
        int index = Question.LETTERS.indexOf(answerLetter.trim().isEmpty() ? "" : answerLetter.trim().substring(0, 1));
        if (index < 0) {
            throw new UqaException(where + ": answer '" + answerLetter + "' is not a letter A-D");
        }
        return parse(question, where).get(index);
    }
}
