package dev.uqabench.qa;

import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceRulesTest {

    @Test
    void everyZhQuestionIsFiledUnderItsOwnSubtask() {
        Set<Subtask> seen = EnumSet.noneOf(Subtask.class);
        for (long seed = 0; seed < 25; seed++) {
            List<UserSequence> users = TinyWorld.users(12, seed);
            QuestionConfig config = new QuestionConfig(Lang.ZH, (int) (seed % 3) * 10, 5 + (int) seed % 6, 5 + (int) seed % 4, QuestionConfig.uniform(2), QuestionConfig.uniform(2));
            QuestionBuilder builder = QuestionBuilder.fittedOnHistories(config, TinyWorld.TEXT, TinyWorld.pool(users), users, seed);
            List<BuiltQuestion> all = new java.util.ArrayList<>(builder.alignmentSet(users, seed));
            all.addAll(builder.testSet(users.stream().map(u -> UserSplit.holdOut(u, 3)).toList(), seed));
            for (BuiltQuestion built : all) {
                Question q = built.question();
                assertEquals(q.subtask(), ReferenceRules.classify(q.question()), q.question());
                seen.add(q.subtask());
            }
        }
        assertEquals(EnumSet.allOf(Subtask.class), seen);
    }

    @Test
    void firstMatchingRuleWins() {
        // the ip phrase also contains the ap phrase: ip is checked first
        assertEquals(Subtask.IP, ReferenceRules.classify("用户下一个可能点击的商品的标题是什么？"));
        assertEquals(Subtask.AP, ReferenceRules.classify("用户下一个可能点击的商品的品牌是什么？"));
        // a df phrase anywhere (even in an option) beats everything after it
        assertEquals(Subtask.DF, ReferenceRules.classify("用户近期最感兴趣的类目是什么？\nA. 第3次浏览的商品的类目"));
        assertEquals(Subtask.MF, ReferenceRules.classify("用户浏览序列的长度是多少？"));
        assertEquals(Subtask.LI, ReferenceRules.classify("用户最感兴趣的3个品牌是什么？"));
        assertEquals(Subtask.IT, ReferenceRules.classify("用户类目偏好的转移路径是什么？"));
        assertEquals(Optional.empty(), ReferenceRules.tryClassify("What is the title of the item the user will click next?"));
    }

    @Test
    void unknownQuestionNamesTheRow() {
        UqaException e = assertThrows(UqaException.class,
                () -> ReferenceRules.classify("Which brand interests the user most recently?", "predictions.jsonl line 7"));
        assertTrue(e.getMessage().startsWith("predictions.jsonl line 7: "), e.getMessage());
        assertTrue(e.getMessage().contains("Which brand interests"), e.getMessage());
    }
}
