package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;
import java.util.List;

/**
 * The text baseline's context: the user's last {@code n} events written out (title, category,
 * brand, shop), oldest first, ahead of the question in the user turn.
 */
public final class TextContext {

    private TextContext() {
    }

    /** The user turn: context (if {@code n > 0}) then the question. */
    public static String userTurn(UserSequence sequence, int n, String question, EventText text, String lang) {
        if (n <= 0) {
            return question;
        }
        List<Event> events = sequence.last(n);
        return render(events, sequence.length() - events.size() + 1, text, lang) + question;
    }

    /**
     * One line per event: {@code position. title|category|brand|shop}, positions counted from 1 at
     * the user's first click (as the df questions count them).
     */
    public static String render(List<Event> events, int firstPosition, EventText text, String lang) {
        StringBuilder sb = new StringBuilder("zh".equals(lang) ? "用户最近点击的商品：\n" : "Recently clicked items:\n");
        int position = firstPosition;
        for (Event e : events) {
            sb.append(position++).append(". ").append(text.title(e)).append('|').append(text.category(e)).append('|')
                    .append(text.brand(e)).append('|').append(text.shop(e)).append('\n');
        }
        return sb.toString();
    }
}
