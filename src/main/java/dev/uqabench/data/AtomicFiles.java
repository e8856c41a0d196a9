package dev.uqabench.data;

import dev.uqabench.run.UqaException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Temp-then-rename writes, so that a crash never leaves a half-written file under the final name. */
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
        Path temporary = temporaryFor(target);
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write " + target, e);
        }
        commit(temporary, target);
    }

    public static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: the temporary name never looks like a finished output
        }
    }
}
