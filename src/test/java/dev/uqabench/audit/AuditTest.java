package dev.uqabench.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.cli.Main;
import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ChatText;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseWriter;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Score;
import dev.uqabench.qa.QuestionSet;
import dev.uqabench.qa.Subtask;
import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditTest {

    @TempDir
    Path temp;

    /** Regression: the question generators of 2026-11-30 gave ip's answer away (option-string answer rates ~73 %). */
    @Test
    void oldGeneratorIpLeakIsFlagged() throws IOException {
        Path qa = oldLeakRun().resolve("qa");
        AuditResult result = Audit.run(qa, null, AuditLimits.DEFAULT);
        assertTrue(result.leak());
        assertTrue(result.breaches().stream().anyMatch(b -> b.scope().equals("ip")
                        && (b.solver().equals("option-prior") || b.solver().equals(Audit.CLASSIFIER))),
                () -> "breaches: " + result.breaches());
        Score ip = solver(result, Audit.CLASSIFIER).scores().get("ip");
        assertTrue(ip.lower() > 33, "classifier on ip: " + ip);
        assertTrue(result.skipped().stream().anyMatch(s -> s.startsWith("most-popular")), result.skipped()::toString);
        assertTrue(result.solvers().stream().noneMatch(s -> s.name().equals("most-popular")));
    }

    @Test
    void leakFreeQuestionsKeepEveryBlindSolverNearChance() throws IOException {
        AuditResult result = Audit.run(iidQa(7, 7000), null, AuditLimits.DEFAULT);
        // 7000 test questions: one standard error is 0.5 points on All tasks, 1.4 on a sub-task of 1000,
        // so 30 % and 33 % are 9 and 5.6 standard errors away from chance.
        assertFalse(result.leak(), () -> "breaches: " + result.breaches());
        for (AuditResult.SolverScores solver : result.solvers()) {
            Score all = solver.scores().get(Metrics.ALL);
            assertTrue(all.accuracy() > 21 && all.accuracy() < 29, solver.name() + ": " + all);
        }
        assertTrue(result.solvers().stream().anyMatch(s -> s.name().equals(Audit.CLASSIFIER)));
    }

    /** A solver that answers only some sub-tasks (the mf counters) has its "All tasks" cell marked, in every form. */
    @Test
    void allTasksOfASolverThatSkipsSubtasksIsMarkedAsSuch() throws IOException {
        AuditResult result = Audit.run(iidQa(11, 1400), null, AuditLimits.DEFAULT);
        String md = AuditReport.markdown(result);
        int partial = 0;
        for (AuditResult.SolverScores solver : result.solvers()) {
            Score all = solver.scores().get(Metrics.ALL);
            String row = md.lines().filter(l -> l.startsWith("| " + solver.name() + " |")).findFirst().orElseThrow();
            String allCell = row.split(" \\| ")[2];
            boolean skips = all.n() < result.testQuestions();
            assertEquals(skips, allCell.endsWith(" *"), solver.name() + " (n " + all.n() + "): " + row);
            partial += skips ? 1 : 0;
        }
        assertEquals(4, partial, "the four mf counters answer 1 question in 7");
        assertTrue(solver(result, "count-largest").scores().get(Metrics.ALL).n() == 200);
        assertTrue(md.contains(AuditReport.PARTIAL_NOTE), md);
        assertTrue(AuditReport.table(result).contains(AuditReport.PARTIAL_NOTE));
        assertTrue(AuditReport.html(result).contains("<td>" + String.format(java.util.Locale.ROOT, "%.1f",
                solver(result, "count-largest").scores().get(Metrics.ALL).accuracy()) + " *</td>"));
    }

    @Test
    void cliExitsThreeOnLeakAndWritesTheAudit() throws IOException {
        Path run = oldLeakRun();
        String[] out = new String[1];
        int code = capture(out, "audit", run.toString());
        assertEquals(3, code);
        assertTrue(out[0].contains("leak: option-prior scores") && out[0].contains(" on ip "), out[0]);
        assertTrue(Files.isRegularFile(run.resolve("audit/audit.json")));
        String md = Files.readString(run.resolve("audit/audit.md"));
        assertTrue(md.startsWith("## Leak audit") && md.contains("| classifier | blind |"), md);
        assertEquals("leak", Json.mapper().readTree(run.resolve("audit/audit.json").toFile()).get("verdict").asText());
    }

    @Test
    void runFolderWithoutQuestionsFailsAndWritesNothing() throws IOException {
        Path run = temp.resolve("empty");
        Files.createDirectories(run.resolve("qa"));
        String[] err = new String[1];
        assertEquals(2, captureErr(err, "audit", run.toString()));
        assertEquals("error: " + run.resolve("qa").resolve(QuestionSet.ALIGNMENT.jsonl()) + ": no questions (file not found)",
                err[0].strip());
        assertFalse(Files.exists(run.resolve("audit")));
    }

    @Test
    void questionWithoutOptionsFailsNamingFileAndLine() throws IOException {
        Path run = temp.resolve("bad");
        Path qa = run.resolve("qa");
        Files.createDirectories(qa);
        writeQuestions(qa.resolve(QuestionSet.ALIGNMENT.jsonl()), iidQuestions("a", 10, new Random(1)));
        Files.writeString(qa.resolve(QuestionSet.TEST.jsonl()),
                "{\"id\":\"t1\",\"user\":\"u1\",\"subtask\":\"df\",\"answer\":\"A\"}\n");
        String[] err = new String[1];
        assertEquals(2, captureErr(err, "audit", run.toString()));
        assertTrue(err[0].contains(qa.resolve(QuestionSet.TEST.jsonl()) + ":1: field 'options' must be an array of 4 strings"),
                err[0]);
        assertFalse(Files.exists(run.resolve("audit")));
    }

    @Test
    void fewerAlignRowsThanQuestionsFails() throws IOException {
        Path run = temp.resolve("short");
        Path qa = run.resolve("qa");
        Files.createDirectories(qa);
        writeQuestions(qa.resolve(QuestionSet.ALIGNMENT.jsonl()), iidQuestions("a", 10, new Random(1)));
        writeQuestions(qa.resolve(QuestionSet.TEST.jsonl()), iidQuestions("t", 3, new Random(2)));
        Path align = qa.resolve(ReleaseLayout.ALIGN_EVAL);
        try (ReleaseWriter writer = ReleaseWriter.create(align, true, ReleaseWriter.DEFAULT_BATCH_ROWS)) {
            long[][] tokens = {{1}, {2}, {3}, {4}, {5}};
            writer.write(new UserSequence("u1", List.of(new Event(1, 1, 1, 1, 1, tokens))), new ChatText("q", "A"), "df");
            writer.commit();
        }
        UqaException e = assertThrows(UqaException.class, () -> Audit.run(qa, null, AuditLimits.DEFAULT));
        assertEquals(align + ": 1 align rows for 3 questions (expected one row per question)", e.getMessage());
        String[] err = new String[1];
        assertEquals(2, captureErr(err, "audit", run.toString()));
        assertFalse(Files.exists(run.resolve("audit")));
    }

    /** A qa folder of {@code n} alignment and {@code n} test questions from {@link #iidQuestions}. */
    private Path iidQa(long seed, int n) throws IOException {
        Path qa = temp.resolve("run/qa");
        Files.createDirectories(qa);
        Random random = new Random(seed);
        writeQuestions(qa.resolve(QuestionSet.ALIGNMENT.jsonl()), iidQuestions("a", n, random));
        writeQuestions(qa.resolve(QuestionSet.TEST.jsonl()), iidQuestions("t", n, random));
        return qa;
    }

    /** Options drawn i.i.d. from one pool per sub-task, answer letter uniform: nothing to learn without the user. */
    static List<ObjectNode> iidQuestions(String prefix, int n, Random random) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add("name" + i);
        }
        List<ObjectNode> out = new ArrayList<>();
        Subtask[] subtasks = Subtask.values();
        for (int i = 0; i < n; i++) {
            Subtask s = subtasks[i % subtasks.length];
            List<String> options = new ArrayList<>();
            while (options.size() < 4) {
                String option = switch (s) {
                    case MF -> Integer.toString(random.nextInt(12));
                    case LI -> names.get(random.nextInt(40)) + "、" + names.get(random.nextInt(40)) + "、" + names.get(random.nextInt(40));
                    case IT -> names.get(random.nextInt(40)) + " -> " + names.get(random.nextInt(40)) + " -> " + names.get(random.nextInt(40));
                    default -> names.get(random.nextInt(40));
                };
                if (!options.contains(option)) {
                    options.add(option);
                }
            }
            ObjectNode q = Json.mapper().createObjectNode();
            q.put("id", prefix + i);
            q.put("user", "u" + i);
            q.put("subtask", s.code());
            q.put("task", s.group().label());
            q.put("question", "?");
            options.forEach(q.putArray("options")::add);
            q.put("answer", String.valueOf("ABCD".charAt(random.nextInt(4))));
            q.put("lang", "en");
            q.put("contextLength", 1);
            out.add(q);
        }
        return out;
    }

    static void writeQuestions(Path file, List<ObjectNode> questions) throws IOException {
        StringBuilder text = new StringBuilder();
        for (ObjectNode q : questions) {
            text.append(Json.compact(q)).append('\n');
        }
        Files.writeString(file, text.toString());
    }

    private Path oldLeakRun() throws IOException {
        Path qa = temp.resolve("old/qa");
        Files.createDirectories(qa);
        for (String name : List.of(QuestionSet.ALIGNMENT.jsonl(), QuestionSet.TEST.jsonl())) {
            try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/audit/old-leak/" + name + ".gz"))) {
                Files.copy(in, qa.resolve(name));
            }
        }
        return qa.getParent();
    }

    private static AuditResult.SolverScores solver(AuditResult result, String name) {
        return result.solvers().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static int capture(String[] out, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            return Main.execute(args);
        } finally {
            System.setOut(saved);
            out[0] = buffer.toString(StandardCharsets.UTF_8);
        }
    }

    private static int captureErr(String[] err, String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            return Main.execute(args);
        } finally {
            System.setErr(saved);
            err[0] = buffer.toString(StandardCharsets.UTF_8);
        }
    }
}
