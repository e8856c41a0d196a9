package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;
import java.util.List;

/**
 * The text baseline's context: the user's last {@code n} events written out (title, category,
 * brand, shop), oldest first, ahead of the question in the user turn. Events are numbered by how
 * many clicks ago they were (1 = the last click), as df questions count them: numbering from the
 * first click would tell the history's length, which mf asks, beyond what the n events show.
 */
public final class TextContext {

    private TextContext() {
    }

    /** The user turn: context (if {@code n > 0}) then the question. */
    public static String userTurn(UserSequence sequence, int n, String question, EventText text, String lang) {
        return userTurn(sequence, n, question, text, lang, Nouns.DEFAULT);
    }

    /** The same, the English header naming the items as {@code nouns} does (e.g. "Recently clicked films"). */
    public static String userTurn(UserSequence sequence, int n, String question, EventText text, String lang, Nouns nouns) {
        if (n <= 0) {
            return question;
        }
        return render(sequence.last(n), text, lang, nouns) + question;
    }

    /** One line per event, oldest first: {@code k. title|category|brand|shop}, k clicks ago. */
    public static String render(List<Event> events, EventText text, String lang) {
        return render(events, text, lang, Nouns.DEFAULT);
    }

    /** The same; zh keeps 商品 (as the questions do). */
    public static String render(List<Event> events, EventText text, String lang, Nouns nouns) {
        StringBuilder sb = new StringBuilder("zh".equals(lang) ? "用户最近点击的商品（序号为倒数第几次）：\n"
                : "Recently clicked " + Nouns.plural(nouns.item()) + " (numbered from the last click, 1 = the last):\n");
        int clicksAgo = events.size();
        for (Event e : events) {
            sb.append(clicksAgo--).append(". ").append(text.title(e)).append('|').append(text.category(e)).append('|')
                    .append(text.brand(e)).append('|').append(text.shop(e)).append('\n');
        }
        return sb.toString();
    }
}
