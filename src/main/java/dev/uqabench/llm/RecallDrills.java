package dev.uqabench.llm;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Warm-up drills for the built-in tiny LLM: "which of these categories appears in the clicks
 * written above?" with one present and three absent options. A model trained from random
 * weights learns the match-an-option-against-the-context step far sooner from these
 * unambiguous questions than from the benchmark's counting questions, and every benchmark
 * sub-task read from a text context builds on that step. Drills are training text only; they are
 * never evaluated.
 */
public final class RecallDrills {

    private RecallDrills() {
    }

    /** One drill: the user turn (context + question with options) and its gold letter. */
    public record Drill(String userTurn, String answer) {
    }

    /**
     * @param context     the events written out before the question
     * @param render      writes events as the text baseline does
     * @param categories  every category name of the data (distractors are drawn from it)
     */
    public static Drill categoryRecall(List<Event> context, String renderedContext, EventText text,
                                       List<String> categories, String lang, Random rng) {
        Set<String> present = new LinkedHashSet<>();
        for (Event e : context) {
            present.add(text.category(e));
        }
        List<String> seen = new ArrayList<>(present);
        String gold = seen.get(rng.nextInt(seen.size()));
        List<String> absent = new ArrayList<>();
        for (String c : categories) {
            if (!present.contains(c)) {
                absent.add(c);
            }
        }
        if (absent.size() < 3) {
            return null;
        }
        Collections.shuffle(absent, rng);
        List<String> options = new ArrayList<>(absent.subList(0, 3));
        int goldIndex = rng.nextInt(4);
        options.add(goldIndex, gold);
        StringBuilder q = new StringBuilder(renderedContext);
        q.append("zh".equals(lang) ? "下面哪个类目出现在上面的点击中？" : "Which category appears in the clicks above?");
        for (int i = 0; i < 4; i++) {
            q.append('\n').append((char) ('A' + i)).append(". ").append(options.get(i));
        }
        return new Drill(q.toString(), String.valueOf((char) ('A' + goldIndex)));
    }

    /** Distinct category names of the given users, in first-seen order. */
    public static List<String> categoryNames(List<UserSequence> users, EventText text) {
        Set<String> names = new LinkedHashSet<>();
        for (UserSequence u : users) {
            for (Event e : u.events()) {
                names.add(text.category(e));
            }
        }
        return new ArrayList<>(names);
    }
}
