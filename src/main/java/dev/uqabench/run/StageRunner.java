package dev.uqabench.run;

import dev.uqabench.base.Manifest;
import dev.uqabench.base.Versions;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.CodeIdentity;
import dev.uqabench.base.StopRequest;
import dev.uqabench.base.Hashing;
import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import dev.uqabench.dist.Group;
import dev.uqabench.dist.World;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs a stage into its output folder, or reuses it. The body writes into a temporary sibling
 * folder which is renamed into place only after the manifest is written, so a crash never
 * leaves a half-written folder that looks finished. A failure deletes the temporary folder and is
 * rethrown as it is (a {@link UqaException} stays a user error, anything else stays a bug); only a
 * failed read or write becomes a {@link UqaException} naming the stage and the file.
 */
public final class StageRunner {

    /** The work of one stage: fill {@code workDir}, return its headline metrics. */
    @FunctionalInterface
    public interface Body {
        Map<String, Object> execute(Path workDir) throws Exception;
    }

    /** What happened: the manifest now in place and whether it was reused. */
    public record Outcome(Manifest manifest, boolean reused, Path folder) {
    }

    private final boolean force;
    private final Progress progress;

    public StageRunner(boolean force, Progress progress) {
        this.force = force;
        this.progress = progress;
    }

    /**
     * @param inputs named inputs: an upstream stage folder (its manifest is hashed) or a file
     */
    public Outcome run(String stage, Path folder, JsonNode config, long seed, Map<String, Path> inputs, Body body) {
        return run(stage, folder, config, seed, inputs, false, body);
    }

    /**
     * @param resumable the body resumes from what an interrupted attempt left in its work folder (e.g. a training
     *                  checkpoint): the work folder {@code .NAME.partial} of an attempt with the same fingerprint
     *                  (same stage, config, seed, inputs and code) is kept, also when the attempt fails, instead of
     *                  being started afresh
     */
    public Outcome run(String stage, Path folder, JsonNode config, long seed, Map<String, Path> inputs,
                       boolean resumable, Body body) {
        return run(stage, folder, config, seed, inputs, resumable, false, body);
    }

    /**
     * {@link #run(String, Path, JsonNode, long, Map, boolean, Body)} in a data-parallel group ({@link World}): rank 0
     * owns the folder (reuse or run, the work folder, the manifest) and tells the other ranks through the store
     * what it does. A {@code collective} stage's body (training, evaluation) runs on every rank, the others
     * getting rank 0's work folder to read (a resumable attempt's checkpoint) but writing nothing; any other
     * stage runs on rank 0 alone while the others wait for it. In one process this is the plain run.
     */
    public Outcome run(String stage, Path folder, JsonNode config, long seed, Map<String, Path> inputs,
                       boolean resumable, boolean collective, Body body) {
        Group group = World.group();
        String key = group.distributed() ? "stage/" + (++stagesSeen) + "/" + folder.toAbsolutePath().normalize() : null;
        if (key != null && !group.isMain()) {
            return follow(group, key, stage, folder, collective, body);
        }
        Outcome outcome = runHere(stage, folder, config, seed, inputs, resumable, collective, body, group, key);
        if (key != null) {
            if (outcome.reused()) {
                group.publish(key, REUSED);
            } else if (!collective) {
                group.publish(key, DONE);
            }
        }
        return outcome;
    }

    private static final String REUSED = "reused";
    private static final String DONE = "done";
    private static final String RUN = "run ";
    /** How long the other ranks wait for rank 0's part of a stage (a lost rank 0 ends the wait at once). */
    private static final long FOLLOW_SECONDS = 7L * 24 * 3600;
    private int stagesSeen;

    /** A rank other than 0: waits for rank 0's word on the stage, then takes part in its body or goes on. */
    private Outcome follow(Group group, String key, String stage, Path folder, boolean collective, Body body) {
        group.during("waiting for rank 0's word on " + label(stage, folder));
        String word = group.awaitMain(key, FOLLOW_SECONDS);
        if (word.equals(REUSED) || word.equals(DONE)) {
            return new Outcome(Manifest.read(folder), word.equals(REUSED), folder);
        }
        if (!collective || !word.startsWith(RUN)) {
            throw new IllegalStateException("rank " + group.rank() + ": unexpected word '" + word + "' for " + key);
        }
        Path work = Path.of(word.substring(RUN.length()));
        try {
            body.execute(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(stage + " failed on rank " + group.rank(), e);
        }
        return new Outcome(null, false, folder);
    }

    private Outcome runHere(String stage, Path folder, JsonNode config, long seed, Map<String, Path> inputs,
                            boolean resumable, boolean collective, Body body, Group group, String key) {
        Map<String, String> inputHashes = new TreeMap<>();
        inputs.forEach((name, path) -> inputHashes.put(name, hashInput(path)));
        // the code that makes this stage's output is part of what it was made from
        String code = CodeIdentity.of(floorOf(stage));
        String fingerprint = Hashing.sha256(stage + "\n" + Json.compact(config) + "\n" + seed + "\n" + inputHashes
                + "\n" + code);

        Manifest old = ownedManifest(stage, folder);
        if (!force && old != null) {
            if (old.fingerprint().equals(fingerprint) && old.outputsIntact(folder)) {
                progress.message(label(stage, folder) + ": reusing " + folder + " (finished " + old.finishedAt() + ")");
                return new Outcome(old, true, folder);
            }
        }
        StopRequest.check("the start of stage " + stage);
        Path work = folder.toAbsolutePath().resolveSibling("." + folder.getFileName() + ".partial");
        Path attempt = work.resolve(ATTEMPT_FILE);
        boolean resuming = resumable && !force && Files.isRegularFile(attempt) && fingerprint.equals(readQuietly(attempt));
        if (!resuming) {
            AtomicFiles.deleteRecursively(work);
        }
        Instant start = Instant.now();
        String label = label(stage, folder);
        progress.message(label + (resuming ? ": resuming the interrupted attempt in " + work : ": running"));
        boolean keepWork = resumable;
        // eval/none's parent eval/: made for this stage, removed again if the stage fails and leaves it empty
        Path parent = work.getParent();
        boolean parentExisted = Files.isDirectory(parent);
        try {
            Files.createDirectories(work);
            AtomicFiles.writeString(attempt, fingerprint);
            if (key != null && collective) {
                group.publish(key, RUN + work);
            }
            Map<String, Object> metrics = body.execute(work);
            Files.delete(attempt);
            Instant end = Instant.now();
            Map<String, String> versions = new LinkedHashMap<>(Versions.current());
            versions.put("code", code);
            versions.put("cpu", dev.uqabench.tensor.CpuFeatures.describe());
            Manifest manifest = new Manifest(stage, fingerprint, config, seed, inputHashes, hashOutputs(work),
                    versions, start.toString(), end.toString(),
                    (end.toEpochMilli() - start.toEpochMilli()) / 1000.0, new LinkedHashMap<>(metrics));
            AtomicFiles.writeJson(work.resolve(Manifest.FILE), manifest);
            List<String> carried = carryUserFiles(folder.toAbsolutePath(), old, work);
            try {
                AtomicFiles.move(work, folder.toAbsolutePath());
            } catch (IOException | RuntimeException e) {
                returnUserFiles(carried, work, folder.toAbsolutePath());
                throw e;
            }
            progress.message(String.format("%s: done in %.1f s", label, manifest.seconds()));
            return new Outcome(manifest, false, folder);
        } catch (IOException | UncheckedIOException e) {
            // a file the stage could not read or write (disk full, permissions, a file gone): the message names it
            discard(work, keepWork, parentExisted ? null : parent);
            throw new UqaException(stage + " failed: " + e, e);
        } catch (UqaException e) {
            discard(work, keepWork, parentExisted ? null : parent);
            if (resuming && e.getMessage() != null && e.getMessage().contains(work.toString())) {
                // a damaged file of the interrupted attempt (a checkpoint cut short by hand or by a full disk)
                throw new UqaException(e.getMessage() + " (a file of the interrupted attempt being resumed: rerun with "
                        + "--force to start " + label + " afresh)", e);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            // user errors (UqaException, above) and bugs alike leave the way they came: only the CLI tells them apart
            discard(work, keepWork, parentExisted ? null : parent);
            throw e;
        } catch (Exception e) {
            discard(work, keepWork, parentExisted ? null : parent);
            throw new IllegalStateException(stage + " failed", e);
        }
    }

    /**
     * How the log names a stage: its folder when that says more ({@code align-learned-prompt}, or {@code align
     * (sasrec-...)} in a study), since two lanes interleave their lines.
     */
    static String label(String stage, Path folder) {
        String name = folder.getFileName().toString();
        if (stage.contains("/")) {
            // eval/none in eval/ or seed-2/eval/; eval-valid/none for the validation questions
            Path parent = folder.getParent();
            String placed = parent == null ? name : parent.getFileName() + "/" + name;
            return placed.endsWith(stage) || parent == null ? stage : placed;
        }
        if (stage.equals(name)) {
            return stage;
        }
        return name.startsWith(stage) ? name : stage + " (" + name + ")";
    }

    /**
     * Files someone put into a finished stage's folder (not among its manifest's outputs: {@code data/mine/f}) move
     * into the new attempt before it replaces the folder, so a redone stage ({@code --force}) keeps them; uqabench
     * never deletes what it did not make. They stay out of the new manifest. A name the new attempt also wrote
     * stops the stage before anything is replaced.
     */
    private static List<String> carryUserFiles(Path folder, Manifest old, Path work) throws IOException {
        if (old == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> theirs;
        try (Stream<Path> files = Files.walk(folder)) {
            theirs = files.filter(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS))
                    .filter(f -> !folder.relativize(f).toString().equals(Manifest.FILE)
                            && !old.outputs().containsKey(folder.relativize(f).toString()))
                    .toList();
        }
        for (Path f : theirs) {
            if (Files.exists(work.resolve(folder.relativize(f).toString()), LinkOption.NOFOLLOW_LINKS)) {
                throw new UqaException(f + ": a file uqabench did not make has the name of a new output of this stage;"
                        + " move it away (uqabench never deletes what it did not make)");
            }
        }
        for (Path f : theirs) {
            Path target = work.resolve(folder.relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.move(f, target);
        }
        return theirs.stream().map(f -> folder.relativize(f).toString()).toList();
    }

    /** Puts carried user files back where they were when the attempt that holds them cannot replace the folder. */
    private static void returnUserFiles(List<String> carried, Path work, Path folder) {
        for (String relative : carried) {
            try {
                Path home = folder.resolve(relative);
                Files.createDirectories(home.getParent());
                Files.move(work.resolve(relative), home);
            } catch (IOException e) {
                throw new UqaException(work.resolve(relative) + ": cannot move this file back to " + folder
                        + " (" + e.getMessage() + "); it is yours, please move it", e);
            }
        }
    }

    /** Marks a work folder with the fingerprint of the attempt that fills it. */
    static final String ATTEMPT_FILE = ".attempt";

    /**
     * Deletes a failed attempt's work folder, unless it is resumable and holds something to resume from (an attempt
     * that failed or was stopped before its first checkpoint leaves nothing: bad input never leaves a partial stage).
     */
    private static void discard(Path work, boolean resumable, Path madeParent) {
        if (!resumable || !holdsMoreThanItsMark(work)) {
            AtomicFiles.deleteRecursively(work);
            if (madeParent != null) {
                try {
                    Files.deleteIfExists(madeParent);   // only when empty: a non-empty folder is not deleted
                } catch (IOException notEmpty) {
                    // something else is in it now; it stays
                }
            }
        }
    }

    private static boolean holdsMoreThanItsMark(Path work) {
        try (Stream<Path> files = Files.list(work)) {
            return files.anyMatch(f -> !f.getFileName().toString().equals(ATTEMPT_FILE));
        } catch (IOException e) {
            return false;   // no work folder (or an unreadable one): nothing to resume from
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** The floor whose code makes a stage's output: {@code eval/none} → {@code eval}, {@code llm} → {@code llm}. */
    static String floorOf(String stage) {
        String first = stage.contains("/") ? stage.substring(0, stage.indexOf('/')) : stage;
        return CodeIdentity.FLOORS.contains(first) ? first : "run";
    }

    /**
     * A run replaces only folders it made: {@code folder} may be absent, empty, or hold a stage's
     * {@code manifest.json}; anything else is someone's data, and the stage stops naming it (with or
     * without {@code --force}). Returns the manifest when it can be read; an unreadable one (a truncated
     * write) means the stage is redone.
     */
    private Manifest ownedManifest(String stage, Path folder) {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new UqaException(folder + ": is in the way of the " + stage + " stage's output and is not a folder"
                    + " uqabench made; move it away or choose another --run-dir (uqabench never deletes what it did"
                    + " not make)");
        }
        try (Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isEmpty()) {
                return null;
            }
        } catch (IOException e) {
            throw new UqaException(folder + ": cannot list: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(folder.resolve(Manifest.FILE))) {
            throw new UqaException(folder + ": holds files but no " + Manifest.FILE + ", so the " + stage + " stage did"
                    + " not make it; move it away or choose another --run-dir (uqabench never deletes what it did not"
                    + " make, even with --force)");
        }
        try {
            return Manifest.read(folder);
        } catch (UqaException unreadable) {
            progress.message(stage + ": " + unreadable.getMessage() + "; redoing the stage");
            return null;
        }
    }

    private static String hashInput(Path path) {
        if (Files.isDirectory(path)) {
            return Manifest.exists(path) ? Hashing.sha256(path.resolve(Manifest.FILE)) : listingHash(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new UqaException("input " + path + " does not exist");
        }
        return Hashing.sha256(path);
    }

    /**
     * An external folder (a downloaded release or checkpoint) is identified by its files' names,
     * sizes and modification times: hashing gigabytes on every run would cost more than it protects.
     */
    private static String listingHash(Path folder) {
        StringBuilder sb = new StringBuilder(folder.toAbsolutePath().normalize().toString());
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                sb.append('\n').append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).toMillis());
            }
        } catch (IOException e) {
            throw new UqaException("cannot list input folder " + folder + ": " + e.getMessage(), e);
        }
        return Hashing.sha256(sb.toString());
    }

    private static Map<String, String> hashOutputs(Path work) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(work)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String rel = work.relativize(f).toString();
                if (!rel.equals(Manifest.FILE)) {
                    out.put(rel, Hashing.sha256(f));
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }
}
