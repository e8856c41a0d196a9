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

/**
 * Writes that either complete or leave nothing. Files go through {@link dev.uqabench.data.AtomicFiles};
 * this class adds JSON and whole-folder replacement for stage outputs.
 */
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

    /** File writes share the data layer's temp-then-rename ({@link dev.uqabench.data.AtomicFiles}). */
    public static void write(Path target, byte[] bytes) {
        Path tmp = dev.uqabench.data.AtomicFiles.temporaryFor(target);
        try {
            Files.write(tmp, bytes);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target, e);
        }
        dev.uqabench.data.AtomicFiles.commit(tmp, target.toAbsolutePath());
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
