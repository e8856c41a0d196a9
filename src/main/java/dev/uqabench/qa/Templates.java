package dev.uqabench.qa;

import java.util.List;

/**
 * Question wording, zh and en. The zh stems carry the phrases the reference scorer
 * ({@code calc_metrics_acc.py}) looks for, so {@link ReferenceRules} assigns each to its own
 * sub-task; wording stays short because a tiny LLM reads it. The {@link Nouns} variants word the
 * item and its attributes as the data set declares them (film, genre); the others use the defaults.
 */
final class Templates {

    private Templates() {
    }

    /** @param position the k-th most recent click, 1 = the last one */
    static String directFeature(Lang lang, Attribute attribute, int position) {
        return directFeature(lang, Nouns.DEFAULT, attribute, position);
    }

    static String directFeature(Lang lang, Nouns nouns, Attribute attribute, int position) {
        return lang == Lang.ZH
                ? "用户倒数第" + position + "次浏览的商品的" + nouns.label(attribute, lang) + "是什么？"
                : "What is the " + nouns.label(attribute, lang) + " of the " + nouns.item() + " the user clicked " + position
                        + (position == 1 ? " click ago (the last click)?" : " clicks ago (1 = the last click)?");
    }

    static String sequenceLength(Lang lang) {
        return sequenceLength(lang, Nouns.DEFAULT);
    }

    static String sequenceLength(Lang lang, Nouns nouns) {
        return lang == Lang.ZH ? "用户浏览序列的长度是多少？"
                : "How many " + Nouns.plural(nouns.item()) + " has the user clicked in total?";
    }

    static String attributeCount(Lang lang, Attribute attribute, String value) {
        return attributeCount(lang, Nouns.DEFAULT, attribute, value);
    }

    /**
     * The answer counts clicks: an item clicked twice counts twice, as the positions of a sequence do, and the stem
     * says so (read as distinct items, half the answers of a quickstart's count questions would be another option).
     * The zh stem keeps the reference scorer's phrase {@code 的商品有多少个}.
     */
    static String attributeCount(Lang lang, Nouns nouns, Attribute attribute, String value) {
        return lang == Lang.ZH
                ? "用户浏览过的" + nouns.label(attribute, lang) + "为“" + value + "”的商品有多少个（重复浏览按次数计）？"
                : "How many clicks has the user made on " + Nouns.plural(nouns.item()) + " with the "
                        + nouns.label(attribute, lang) + " \"" + value + "\" (repeat clicks counted)?";
    }

    static String nextTitle(Lang lang) {
        return nextTitle(lang, Nouns.DEFAULT);
    }

    static String nextTitle(Lang lang, Nouns nouns) {
        return lang == Lang.ZH ? "用户下一个可能点击的商品的标题是什么？"
                : "What is the title of the " + nouns.item() + " the user will click next?";
    }

    static String nextAttribute(Lang lang, Attribute attribute) {
        return nextAttribute(lang, Nouns.DEFAULT, attribute);
    }

    static String nextAttribute(Lang lang, Nouns nouns, Attribute attribute) {
        return lang == Lang.ZH
                ? "用户下一个可能点击的商品的" + nouns.label(attribute, lang) + "是什么？"
                : "What is the " + nouns.label(attribute, lang) + " of the " + nouns.item() + " the user will click next?";
    }

    static String longTermInterest(Lang lang, Attribute attribute) {
        return longTermInterest(lang, Nouns.DEFAULT, attribute);
    }

    static String longTermInterest(Lang lang, Nouns nouns, Attribute attribute) {
        return lang == Lang.ZH
                ? "用户最感兴趣的3个" + nouns.label(attribute, lang) + "是什么？"
                : "Which 3 " + Nouns.plural(nouns.label(attribute, lang)) + " interest the user most, most clicked first?";
    }

    static String shortTermInterest(Lang lang, Attribute attribute, int window) {
        return shortTermInterest(lang, Nouns.DEFAULT, attribute, window);
    }

    static String shortTermInterest(Lang lang, Nouns nouns, Attribute attribute, int window) {
        return lang == Lang.ZH
                ? "用户近期最感兴趣的" + nouns.label(attribute, lang) + "是什么（最近" + window + "次点击）？"
                : "Which " + nouns.label(attribute, lang) + " interests the user most recently (last " + window + " clicks)?";
    }

    static String trajectory(Lang lang, Attribute attribute, int window) {
        return trajectory(lang, Nouns.DEFAULT, attribute, window);
    }

    static String trajectory(Lang lang, Nouns nouns, Attribute attribute, int window) {
        return lang == Lang.ZH
                ? "把最近" + 3 * window + "次点击按每" + window + "次分3段，用户" + nouns.label(attribute, lang) + "偏好的转移路径是什么？"
                : "Splitting the last " + 3 * window + " clicks into 3 parts of " + window + ", how does the user's "
                        + nouns.label(attribute, lang) + " preference move?";
    }

    /** Separator between the names of a long-term interest option. */
    static String joinNames(Lang lang, List<String> names) {
        return String.join(lang == Lang.ZH ? "、" : ", ", names);
    }

    static String joinPath(List<String> names) {
        return String.join(" -> ", names);
    }

    /** The full question: the stem, then one line per option, "A. ..." to "D. ...". */
    static String withOptions(String stem, List<String> options) {
        StringBuilder text = new StringBuilder(stem);
        for (int i = 0; i < options.size(); i++) {
            text.append('\n').append(Question.LETTERS.get(i)).append(". ").append(options.get(i));
        }
        return text.toString();
    }
}
