package dev.uqabench.run;

import dev.uqabench.llm.AnswerMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AnswerModeTest {

    @Test
    void autoAnswersWithTheLetterOnlyForAUserGivenLlm() {
        RunConfig builtIn = RunConfig.quickstart();
        assertEquals(AnswerMode.AUTO, builtIn.answerMode());
        assertEquals(AnswerMode.OPTION_TEXT, builtIn.withResolvedAnswerMode().answerMode());
        RunConfig external = builtIn.withSources(new Sources(null, null, "/models/qwen2.5-0.5b", null));
        assertEquals(AnswerMode.LETTER, external.withResolvedAnswerMode().answerMode());
    }

    @Test
    void anExplicitModeIsKept() {
        assertEquals(AnswerMode.OPTION_TEXT, AnswerMode.OPTION_TEXT.resolve(true));
        assertEquals(AnswerMode.LETTER, AnswerMode.LETTER.resolve(false));
    }
}
