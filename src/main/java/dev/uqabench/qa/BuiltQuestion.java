package dev.uqabench.qa;

/**
 * A question plus the number of history events (oldest first) it refers to: an encoder or a
 * text prompt must see exactly the first {@code contextLength} events of the user's sequence.
 * For action prediction on the alignment set this is shorter than the history, because the
 * held-out "next" click is the event at index {@code contextLength}.
 *
 * @param facts what the question asks in structured form; null for questions from elsewhere
 */
public record BuiltQuestion(Question question, int contextLength, QuestionFacts facts) {

    public BuiltQuestion {
        java.util.Objects.requireNonNull(question, "question");
        if (contextLength < 0) {
            throw new IllegalArgumentException("question " + question.id() + ": negative context length " + contextLength);
        }
    }

    public BuiltQuestion(Question question, int contextLength) {
        this(question, contextLength, null);
    }
}
