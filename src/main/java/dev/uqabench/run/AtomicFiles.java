package dev.uqabench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Writes that either complete or leave nothing: write beside the target, then rename. */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    public static void writeString(Path target, String content) {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeJson(Path target, Object value) {
        try {
            writeString(target, Json.mapper().writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + target, e);
        }
    }

    public static void write(Path target, byte[] bytes) {
        Path tmp = tempSibling(target);
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.write(tmp, bytes);
            move(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** A temporary name next to {@code target}, in the same directory so the rename is atomic. */
    public static Path tempSibling(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    }

    /** Renames {@code from} onto {@code to}, replacing a previous file or directory. */
    public static void move(Path from, Path to) throws IOException {
        if (Files.isDirectory(to)) {
            deleteRecursively(to);
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    public static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a leftover temp file has a dotted name and is never mistaken for output
        }
    }
}
