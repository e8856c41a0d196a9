package dev.uqabench.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uqabench.data.UserSequence;
import dev.uqabench.qa.BuiltQuestion;
import dev.uqabench.qa.Question;
import dev.uqabench.qa.QuestionBuilder;
import dev.uqabench.qa.QuestionConfig;
import dev.uqabench.qa.TinyWorld;
import dev.uqabench.qa.UserSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reference scorer's rules give exactly our numbers on our zh predictions: once through a
 * line-by-line Java port of {@code calc_metrics_acc.py} (below, reading the written file, filing by
 * question text only), once through a Python restatement when python3 is installed.
 */
class ReferenceAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Predictions of every kind the reference must judge: right letters, right letters with text, wrong ones, blanks. */
    private static List<Prediction> predictions(long seed) {
        List<UserSequence> users = TinyWorld.users(30, seed);
        QuestionBuilder builder = QuestionBuilder.fittedOnHistories(QuestionConfig.defaults(), TinyWorld.TEXT, TinyWorld.pool(users), users, 1);
        List<BuiltQuestion> questions = new ArrayList<>(builder.alignmentSet(users, seed));
        questions.addAll(builder.testSet(users.stream().map(u -> UserSplit.holdOut(u, 2)).toList(), seed));
        Random rng = new Random(seed);
        List<Prediction> predictions = new ArrayList<>();
        for (BuiltQuestion built : questions) {
            Question q = built.question();
            String gold = q.answer();
            String wrong = Question.LETTERS.get((q.answerIndex() + 1 + rng.nextInt(3)) % 4);
            String prediction = switch (rng.nextInt(7)) {
                case 0, 1 -> gold;
                case 2 -> gold + ". " + q.options().get(q.answerIndex());
                case 3 -> wrong;
                case 4 -> "";
                case 5 -> " " + gold;
                default -> gold.toLowerCase();
            };
            Prediction p = Prediction.of(q, "test", prediction, 100 + rng.nextInt(50), 0.5);
            // some rows without a sub-task: the scorer must then file them by the reference's rules
            predictions.add(rng.nextInt(3) == 0
                    ? new Prediction(p.id(), p.user(), null, p.variant(), p.question(), p.prediction(), p.answer(), null, null)
                    : p);
        }
        return predictions;
    }

    /** Writes predictions, giving every fifth answer as a one-element list as some reference files do. */
    private Path writeFile(List<Prediction> predictions) throws IOException {
        Path file = dir.resolve("predictions.jsonl");
        PredictionsJsonl.write(file, predictions);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i += 5) {
            lines.set(i, lines.get(i).replaceFirst("\"answer\":\"([A-D])\"", "\"answer\":[\"$1\"]"));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void javaPortOfTheReferenceGivesOurNumbers() throws IOException {
        for (long seed = 1; seed <= 3; seed++) {
            List<Prediction> predictions = predictions(seed);
            Path file = writeFile(predictions);
            Map<String, Double> reference = referencePort(file);
            Metrics ours = Scorer.score(PredictionsJsonl.read(file));
            Metrics inMemory = Scorer.score(predictions);
            assertEquals(Metrics.KEYS, List.copyOf(reference.keySet()));
            for (String key : Metrics.KEYS) {
                assertEquals(reference.get(key), ours.get(key).accuracy(), key);
                assertEquals(reference.get(key), inMemory.get(key).accuracy(), key);
            }
            double all = ours.all().accuracy();
            assertTrue(all > 20 && all < 80, "mixed right and wrong answers: " + all);
        }
    }

    @Test
    void pythonRestatementGivesOurNumbers() throws IOException, InterruptedException, URISyntaxException {
        assumeTrue(onPath("python3"), "python3 is not on PATH");
        Path script = Path.of(getClass().getResource("reference_scorer.py").toURI());
        Path file = writeFile(predictions(4));
        Process process = new ProcessBuilder("python3", script.toString(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "python3 finished");
        assertEquals(0, process.exitValue(), output);
        JsonNode python = JSON.readTree(output);
        Metrics ours = Scorer.score(PredictionsJsonl.read(file));
        List<String> keys = new ArrayList<>();
        python.fieldNames().forEachRemaining(keys::add);
        assertEquals(Metrics.KEYS, keys);
        for (String key : Metrics.KEYS) {
            assertEquals(python.get(key).doubleValue(), ours.get(key).accuracy(), key);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String folder : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(folder, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * calc_metrics_acc.py, statement by statement: read each line, gold = answer[0] if a list, sub-task
     * from the question's substrings (first match), then per key acc = round(100 * cor / cnt, 6).
     */
    private static Map<String, Double> referencePort(Path file) throws IOException {
        Map<String, List<String[]>> taskDict = new LinkedHashMap<>();
        for (String key : List.of("All tasks", "Sequence understanding", "Action prediction", "Interest perception",
                "df", "mf", "ip", "ap", "li", "si", "it")) {
            taskDict.put(key, new ArrayList<>());
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode item = JSON.readTree(line);
            String question = item.get("question").asText();
            String cand = item.get("prediction").asText();
            String gold = item.get("answer").isArray() ? item.get("answer").get(0).asText() : item.get("answer").asText();
            String subTask;
            String task;
            if (question.contains("次浏览的商品的") || question.contains("次（从1开始计数）浏览的")) {
                subTask = "df";
                task = "Sequence understanding";
            } else if (question.contains("长度是多少？") || question.contains("的商品有多少个")) {
                subTask = "mf";
                task = "Sequence understanding";
            } else if (question.contains("下一个可能点击的商品的标题是什么")) {
                subTask = "ip";
                task = "Action prediction";
            } else if (question.contains("用户下一个可能点击的商品的")) {
                subTask = "ap";
                task = "Action prediction";
            } else if (question.contains("用户最感兴趣的3个")) {
                subTask = "li";
                task = "Interest perception";
            } else if (question.contains("用户近期最感兴趣的")) {
                subTask = "si";
                task = "Interest perception";
            } else if (question.contains("偏好的转移路径是什么")) {
                subTask = "it";
                task = "Interest perception";
            } else {
                throw new AssertionError("question " + question + " is invalid");
            }
            taskDict.get(task).add(new String[] {cand, gold});
            taskDict.get(subTask).add(new String[] {cand, gold});
            taskDict.get("All tasks").add(new String[] {cand, gold});
        }
        Map<String, Double> results = new LinkedHashMap<>();
        taskDict.forEach((name, pairs) -> {
            int cnt = 0;
            int cor = 0;
            for (String[] pair : pairs) {
                cnt++;
                if (pair[0].startsWith(pair[1])) {
                    cor++;
                }
            }
            double acc = (double) (100 * cor) / cnt;
            results.put(name, new BigDecimal(acc).setScale(6, RoundingMode.HALF_EVEN).doubleValue());
        });
        return results;
    }
}
