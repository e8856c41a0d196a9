package dev.uqabench.llm;

import dev.uqabench.data.Catalog;
import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.data.text.CatalogTokens;
import dev.uqabench.data.text.WordTokenizerBuilder;
import dev.uqabench.qa.Nouns;
import dev.uqabench.qa.TextContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The training set of the built-in tiny LLM and the vocabulary it is built with. Questions about the
 * same user and the same events form one conversation: the context (a number of the user's recent
 * events written out, once per {@link TinyLlmConfig#contextLengths()}) is written once, before the
 * first question, and every answer in it is a training signal. Recall drills (name a category among
 * the last few events) are added as one-turn conversations.
 *
 * <p>The vocabulary covers every name and word the model can be shown: the catalogue's names and
 * titles, every template's wording (through the LLM and alignment questions, which use all of them)
 * and single digits. It is built without any validation or test question.
 */
public final class TinyLlmCorpus {

    /**
     * What the corpus is made of.
     *
     * @param training     the questions the LLM learns to answer
     * @param trainingFile where they were read, for errors
     * @param alignment    questions that only widen the vocabulary (the adapter later asks them; may be empty)
     * @param catalog      the data's catalogue, whose names and titles join the vocabulary (null: none)
     * @param text         writes events out as text
     * @param lang         the questions' language
     * @param nouns        the data's words for item, category, brand and shop
     */
    public record Input(List<ReleaseRow> training, Path trainingFile, List<ReleaseRow> alignment, Catalog catalog,
                        EventText text, String lang, Nouns nouns) {
    }

    /** The training examples (one per conversation, cut at {@code maxTokens}), the vocabulary's size and its padding id. */
    public record Encoded(List<TinyLlmTrainer.Example> examples, int vocabularySize, long padId) {
    }

    private TinyLlmCorpus() {
    }

    /**
     * Builds the conversations, writes the tokenizer of their vocabulary to {@code tokenizerFile} (its
     * folder must exist) and encodes the conversations through ChatML with it. Same seed, same corpus.
     */
    public static Encoded build(Input input, TinyLlmConfig config, AnswerMode answerMode, long seed, Path tokenizerFile) {
        Random rng = new Random(seed);
        List<String> corpus = new ArrayList<>();
        Map<String, List<ReleaseRow>> conversations = byConversation(input.training());
        // (conversation, turn) -> {user turn, answer}
        List<List<String[]>> dialogues = dialogues(conversations, input, config, answerMode, rng, corpus);
        EventText text = input.text();
        if (config.drills() > 0) {
            List<UserSequence> users = new ArrayList<>();
            for (List<ReleaseRow> rows : conversations.values()) {
                users.add(rows.get(0).sequence());
            }
            List<String> categories = RecallDrills.categoryNames(users, text);
            for (int i = 0; i < config.drills(); i++) {
                UserSequence u = users.get(rng.nextInt(users.size()));
                int n = 1 + rng.nextInt(Math.min(5, u.length()));
                List<Event> context = u.last(n);
                RecallDrills.Drill d = RecallDrills.categoryRecall(context,
                        TextContext.render(context, text, input.lang(), input.nouns()), text, categories, input.lang(), rng);
                if (d != null) {
                    dialogues.add(List.<String[]>of(new String[] {d.userTurn(),
                            answerMode.trainingAnswer(d.userTurn(), d.answer(), "recall drill")}));
                    corpus.add(d.userTurn());
                }
            }
        }
        if (input.catalog() != null) {
            corpus.addAll(CatalogTokens.corpus(input.catalog()));
        }
        for (ReleaseRow row : input.alignment()) {
            corpus.add(row.chat().question());
        }
        corpus.add(TextContext.render(List.of(), text, input.lang(), input.nouns()));
        corpus.addAll(List.of("user", "assistant", "system", "0123456789", "A B C D", "\n"));
        Map<String, Integer> vocabulary = WordTokenizerBuilder.write(corpus, tokenizerFile);
        return encode(dialogues, vocabulary.size(), tokenizerFile, config.maxTokens());
    }

    /**
     * The conversations of {@code input}'s training questions, made as {@link #build} makes them (no drills), encoded
     * with an existing tokenizer: examples of other users (the alignment users, say) on which to measure what a trained
     * model learned to answer. {@code input.alignment()} and {@code input.catalog()} are not read.
     *
     * @return one example per conversation and context length, in the order of {@link TinyLlmConfig#contextLengths()}
     *         within each conversation
     */
    public static List<TinyLlmTrainer.Example> encodeWith(Input input, TinyLlmConfig config, AnswerMode answerMode,
                                                          long seed, Path tokenizerFile) {
        List<List<String[]>> dialogues = dialogues(byConversation(input.training()), input, config, answerMode,
                new Random(seed), new ArrayList<>());
        return encode(dialogues, 0, tokenizerFile, config.maxTokens()).examples();
    }

    /** Questions about the same user and the same events, in the order first seen. */
    private static Map<String, List<ReleaseRow>> byConversation(List<ReleaseRow> rows) {
        Map<String, List<ReleaseRow>> conversations = new LinkedHashMap<>();
        for (ReleaseRow row : rows) {
            conversations.computeIfAbsent(row.sequence().user() + "#" + row.sequence().length(), k -> new ArrayList<>())
                    .add(row);
        }
        return conversations;
    }

    /**
     * One dialogue per conversation and context length: the context written before the first question (in a shuffled
     * order), every answer a turn. Each user turn is also added to {@code corpus} (the vocabulary's text).
     */
    private static List<List<String[]>> dialogues(Map<String, List<ReleaseRow>> conversations, Input input,
                                                  TinyLlmConfig config, AnswerMode answerMode, Random rng,
                                                  List<String> corpus) {
        List<List<String[]>> dialogues = new ArrayList<>();
        EventText text = input.text();
        for (List<ReleaseRow> rows : conversations.values()) {
            for (int n : config.contextLengths()) {
                List<ReleaseRow> order = new ArrayList<>(rows);
                Collections.shuffle(order, rng);
                List<String[]> turns = new ArrayList<>();
                for (int i = 0; i < order.size(); i++) {
                    ReleaseRow row = order.get(i);
                    String turn = i == 0
                            ? TextContext.userTurn(row.sequence(), n, row.chat().question(), text, input.lang(), input.nouns())
                            : row.chat().question();
                    turns.add(new String[] {turn, answerMode.trainingAnswer(row.chat().question(), row.chat().answer(),
                            input.trainingFile() + " row " + row.index())});
                    corpus.add(turn);
                }
                dialogues.add(turns);
            }
        }
        return dialogues;
    }

    /** Each conversation's turns through ChatML, as many as fit in {@code maxTokens} (always the first). */
    private static Encoded encode(List<List<String[]>> dialogues, int vocabularySize, Path tokenizerFile, int maxTokens) {
        List<TinyLlmTrainer.Example> examples = new ArrayList<>(dialogues.size());
        try (LlmTokenizer tokenizer = LlmTokenizer.load(tokenizerFile)) {
            long endOfTurn = tokenizer.tokenId("<|im_end|>").orElseThrow();
            long padId = tokenizer.tokenId(WordTokenizerBuilder.PAD).orElseThrow();
            long[] newline = tokenizer.encode("\n", false);
            ChatTemplate template = new ChatTemplate("tiny LLM", ChatPrompter.CHATML_TEMPLATE, null, "<|im_end|>");
            ChatPrompter prompter = new ChatPrompter(tokenizer, template, endOfTurn);
            // A question recurs in every context length's dialogue and an answer (an option's text) in many: each
            // distinct text is encoded once. The ids are the tokenizer's either way; the builder copies them.
            Map<String, long[]> prompts = new HashMap<>();
            Map<String, long[]> answers = new HashMap<>();
            for (List<String[]> turns : dialogues) {
                TinyLlmTrainer.Example.Builder b = new TinyLlmTrainer.Example.Builder();
                for (String[] turn : turns) {
                    long[] prompt = prompts.computeIfAbsent(turn[0], prompter::prompt);
                    long[] answer = answers.computeIfAbsent(turn[1], prompter::answer);
                    if (b.length() > 0 && b.length() + newline.length + prompt.length + answer.length > maxTokens) {
                        break;
                    }
                    if (b.length() > 0) {
                        b.append(newline, false);                 // ChatML ends every turn with a newline
                    }
                    b.turn(prompt, answer);
                }
                examples.add(b.build());
            }
            return new Encoded(examples, vocabularySize, padId);
        }
    }
}
