package dev.uqabench.base;

import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one temp-then-rename mechanism: every file and folder the project writes goes through here, so a
 * crash never leaves a half-written output under its final name.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** A temporary name beside {@code target} (same directory, so the rename stays on one file system). */
    public static Path temporaryFor(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try {
                // temp files are created owner-only; outputs should read like any other file
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default permissions
            }
            return temporary;
        } catch (IOException e) {
            throw new UqaException("cannot create a temporary file beside " + target + ": " + e.getMessage(), e);
        }
    }

    /** Moves a finished temporary file onto its final name. */
    public static void commit(Path temporary, Path target) {
        try {
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UqaException("cannot rename " + temporary + " to " + target + ": " + e.getMessage(), e);
        }
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

    /** Writes {@code bytes} to a temporary sibling, then renames it onto {@code target}. */
    public static void write(Path target, byte[] bytes) {
        Path tmp = temporaryFor(target);
        try {
            Files.write(tmp, bytes);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target, e);
        }
        commit(tmp, target.toAbsolutePath());
    }

    /** The work that fills a fresh temporary folder. */
    @FunctionalInterface
    public interface FolderBody<T> {
        T fill(Path folder) throws IOException;
    }

    /**
     * Fills a fresh temporary folder beside {@code target} with {@code body}, then swaps it into place
     * ({@link #replaceFolder}). On any failure the temporary folder is deleted and {@code target} is as it was.
     */
    public static <T> T writeFolder(Path target, FolderBody<T> body) {
        Path absolute = target.toAbsolutePath();
        Path temporary;
        try {
            Files.createDirectories(absolute.getParent());
            temporary = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".");
            try {
                // temp folders are created owner-only; outputs should read like any other folder
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default permissions
            }
        } catch (IOException e) {
            throw new UqaException("cannot create a folder beside " + absolute + ": " + e.getMessage(), e);
        }
        try {
            T result = body.fill(temporary);
            replaceFolder(temporary, absolute);
            return result;
        } catch (IOException e) {
            deleteRecursively(temporary);
            throw new UqaException("cannot write " + absolute + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteRecursively(temporary);
            throw e;
        }
    }

    /**
     * Puts the finished folder {@code staged} in place of {@code target}: an existing target is first renamed
     * aside and deleted only after {@code staged} has taken its name, so a crash leaves the old or the new folder.
     */
    public static void replaceFolder(Path staged, Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path old = null;
        if (Files.exists(absolute)) {
            old = absolute.resolveSibling("." + absolute.getFileName() + ".old-" + System.nanoTime());
            Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staged, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staged, absolute);
        }
        if (old != null) {
            deleteRecursively(old);
        }
    }

    /** Renames {@code from} onto {@code to}, replacing a previous file or directory. */
    public static void move(Path from, Path to) throws IOException {
        if (Files.isDirectory(to)) {
            replaceFolder(from, to);
            return;
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
