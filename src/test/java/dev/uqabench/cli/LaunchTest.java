package dev.uqabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uqabench.base.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uqabench launch} end to end: two rank JVMs over loopback Gloo against one process, a rank killed with
 * SIGKILL mid-epoch and the rerun that resumes, and what is refused before anything starts.
 */
class LaunchTest {

    private static final String CONFIG = """
            data: {users: 1500, items: 500}
            pretrain: {preset: tiny, epochs: 2, batch_size: 16, checkpoint_every: 10}
            """;

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static List<Double> losses(Path pretrainFolder) throws IOException {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(pretrainFolder.resolve("steps.jsonl"))) {
            losses.add(Json.mapper().readTree(line).get("loss").asDouble());
        }
        return losses;
    }

    static JsonNode metrics(Path pretrainFolder) throws IOException {
        return Json.mapper().readTree(pretrainFolder.resolve("manifest.json").toFile()).get("metrics");
    }

    @Test
    void twoRanksFollowOneProcessAndAKilledRankResumes(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, CONFIG);
        // one process
        Result one = run("pretrain", "--run-dir", dir.resolve("one").toString(), "--config", config.toString(), "--quiet");
        assertEquals(0, one.status(), one.err());
        // two ranks
        Result two = run("launch", "--nproc-per-node", "2", "--master-port", Integer.toString(freePort()), "--",
                "pretrain", "--run-dir", dir.resolve("two").toString(), "--config", config.toString(), "--quiet");
        assertEquals(0, two.status(), two.err());
        List<Double> a = losses(dir.resolve("one/pretrain"));
        List<Double> b = losses(dir.resolve("two/pretrain"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < Math.min(50, a.size()); i++) {
            assertEquals(a.get(i), b.get(i), 1e-4 * Math.abs(a.get(i)), "step " + (i + 1));
        }
        for (String key : List.of("recall@10", "ndcg@10", "test_recall@10", "test_ndcg@10")) {
            assertEquals(metrics(dir.resolve("one/pretrain")).get(key).asDouble(),
                    metrics(dir.resolve("two/pretrain")).get(key).asDouble(), 5e-4, key);
        }

        // two ranks again, rank 1 killed once a checkpoint is on disk
        Path killed = dir.resolve("killed");
        String[] launch = {"launch", "--nproc-per-node", "2", "--timeout", "20", "--master-port", Integer.toString(freePort()),
                "--", "pretrain", "--run-dir", killed.toString(), "--config", config.toString()};
        StringWriter launchErr = new StringWriter();
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> Main.execute(
                new PrintWriter(new StringWriter(), true), new PrintWriter(launchErr, true), launch));
        Path checkpoint = killed.resolve(".pretrain.partial/last/trainer.json");
        while (!Files.exists(checkpoint) && !running.isDone()) {
            Thread.sleep(20);
        }
        assertTrue(!running.isDone(), "the run finished before its first checkpoint could be seen: " + launchErr);
        java.util.regex.Matcher pid = java.util.regex.Pattern.compile("\\[launch\\] rank 1 of 2: pid (\\d+)")
                .matcher(launchErr.toString());
        assertTrue(pid.find(), launchErr.toString());
        ProcessHandle rank1 = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
        long killedAt = System.nanoTime();
        rank1.destroyForcibly();   // SIGKILL
        Result broken = new Result(running.get(), "", launchErr.toString());
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        assertNotEquals(0, broken.status());
        assertTrue(broken.err().contains("[rank 0] error: rank 1 of 2 was lost during pretrain step"), broken.err());
        assertTrue(seconds < 60, "the surviving rank took " + seconds + " s");
        assertTrue(Files.exists(checkpoint), "the last checkpoint stays for the rerun");

        launch[6] = Integer.toString(freePort());
        Result resumed = run(launch);
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("resuming from the checkpoint of step"), resumed.err());
        // bit for bit the uninterrupted two-rank run
        assertEquals(Files.mismatch(dir.resolve("two/pretrain/best/model.safetensors"),
                killed.resolve("pretrain/best/model.safetensors")), -1L);
        assertEquals(losses(dir.resolve("two/pretrain")), losses(killed.resolve("pretrain")));
    }

    @Test
    void aStopRequestReachesEveryRankAndTheRerunGoesOnFromTheStep(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, CONFIG);
        Path runDir = dir.resolve("run");
        String[] launch = {"launch", "--nproc-per-node", "2", "--master-port", Integer.toString(freePort()), "--", "pretrain",
                "--run-dir", runDir.toString(), "--config", config.toString()};
        StringWriter launchErr = new StringWriter();
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> Main.execute(
                new PrintWriter(new StringWriter(), true), new PrintWriter(launchErr, true), launch));
        Path checkpoint = runDir.resolve(".pretrain.partial/last/trainer.json");
        while (!Files.exists(checkpoint) && !running.isDone()) {
            Thread.sleep(20);
        }
        assertTrue(!running.isDone(), launchErr.toString());
        int status;
        try {
            dev.uqabench.base.StopRequest.request("SIGTERM", 143);   // what launch's SIGTERM handler records
            status = running.get();
        } finally {
            dev.uqabench.base.StopRequest.clear();
        }
        String err = launchErr.toString();
        assertEquals(143, status, err);
        java.util.regex.Matcher stopped = java.util.regex.Pattern.compile(
                "\\[rank 0\\] stopped by SIGTERM at pretrain step (\\d+) of").matcher(err);
        assertTrue(stopped.find(), err);
        assertTrue(err.contains("[rank 1] stopped by SIGTERM at pretrain step " + stopped.group(1) + " of"), err);
        launch[4] = Integer.toString(freePort());
        Result resumed = run(launch);
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("resuming from the checkpoint of step " + stopped.group(1) + " "), resumed.err());
        List<Double> losses = losses(runDir.resolve("pretrain"));
        List<Long> steps = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("pretrain/steps.jsonl"))) {
            steps.add(Json.mapper().readTree(line).get("step").asLong());
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, losses.size()).boxed().toList(), steps,
                "every step once in the step log");
    }

    @Test
    void ranksWithDifferentConfigsWriteNothing(@TempDir Path dir) throws Exception {
        Path c1 = dir.resolve("a.yaml");
        Path c2 = dir.resolve("b.yaml");
        Files.writeString(c1, CONFIG);
        Files.writeString(c2, CONFIG.replace("epochs: 2", "epochs: 3"));
        String port = Integer.toString(freePort());
        Path runDir = dir.resolve("run");
        CompletableFuture<Result> node1 = CompletableFuture.supplyAsync(() -> run("launch", "--nnodes", "2", "--node-rank", "1",
                "--nproc-per-node", "1", "--master-port", port, "--", "pretrain", "--run-dir", runDir.toString(),
                "--config", c2.toString()));
        Result node0 = run("launch", "--nnodes", "2", "--node-rank", "0", "--nproc-per-node", "1", "--master-port", port,
                "--", "pretrain", "--run-dir", runDir.toString(), "--config", c1.toString());
        assertEquals(2, node0.status(), node0.err());
        assertTrue(node0.err().contains("error: ranks run different configs"), node0.err());
        assertEquals(2, node1.get().status(), node1.get().err());
        assertTrue(!Files.exists(runDir) || Files.list(runDir).findAny().isEmpty(), "nothing written");
    }

    @Test
    void refusedBeforeAnythingStarts(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            Result busy = run("launch", "--nproc-per-node", "2", "--master-port", Integer.toString(taken.getLocalPort()), "--",
                    "pretrain", "--run-dir", dir.resolve("r").toString());
            assertEquals(2, busy.status());
            assertTrue(busy.err().startsWith("error: --master-port " + taken.getLocalPort() + " is in use on this machine"),
                    busy.err());
        }
        Result study = run("launch", "--nproc-per-node", "2", "--", "study", "--config", "x.yaml");
        assertEquals(2, study.status());
        assertTrue(study.err().contains("launch runs the data-parallel commands [quickstart, pretrain]; 'study' runs in one"
                + " process"), study.err());
        Result cuda = run("pretrain", "--device", "cuda", "--run-dir", dir.resolve("c").toString());
        assertEquals(2, cuda.status());
        assertTrue(cuda.err().startsWith("error: --device cuda: "), cuda.err());
        assertTrue(!Files.exists(dir.resolve("r")) && !Files.exists(dir.resolve("c")), "nothing written");
    }
}
