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
        return render(sequence.last(n), text, lang) + question;
    }

    /** One line per event: {@code title|category|brand|shop}. */
    public static String render(List<Event> events, EventText text, String lang) {
        StringBuilder sb = new StringBuilder("zh".equals(lang) ? "用户最近点击的商品：\n" : "Recently clicked items:\n");
        for (Event e : events) {
            sb.append(text.title(e)).append('|').append(text.category(e)).append('|')
                    .append(text.brand(e)).append('|').append(text.shop(e)).append('\n');
        }
        return sb.toString();
    }
}
