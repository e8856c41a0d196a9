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

    /** Fills a folder; see {@link #writeFolder}. */
    @FunctionalInterface
    public interface FolderWriter {
        void write(Path folder) throws IOException;
    }

    /**
     * Writes folder {@code target} whole: {@code writer} fills a temporary sibling (dotted name),
     * which then takes the place of a previous {@code target}. Should the writer fail, the
     * temporary folder is deleted and {@code target} is left as it was.
     */
    public static void writeFolder(Path target, FolderWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".");
        try {
            try {
                // temp folders are created owner-only; outputs should read like any other folder
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default permissions
            }
            writer.write(temporary);
            move(temporary, absolute);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(temporary);
            throw e;
        }
    }

    /**
     * Puts folder {@code staged} in the place of folder {@code target}: the previous folder is renamed
     * aside first and deleted last, so a crash leaves either it or the new one under the final name,
     * or the previous one under {@code .NAME.old}.
     */
    private static void replaceFolder(Path staged, Path target) throws IOException {
        Path aside = target.resolveSibling("." + target.getFileName() + ".old");
        deleteRecursively(aside);
        Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(aside);
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
