package dev.uqabench.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWrittenFolderReplacesThePreviousOneWhole(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("last");
        AtomicFiles.writeFolder(target, folder -> {
            Files.writeString(folder.resolve("a.txt"), "1");
            return Files.writeString(folder.resolve("old-only.txt"), "x");
        });
        AtomicFiles.writeFolder(target, folder -> Files.writeString(folder.resolve("a.txt"), "2"));
        assertEquals(List.of("a.txt"), names(target));
        assertEquals("2", Files.readString(target.resolve("a.txt")));
        assertEquals(List.of("last"), names(dir), "no temporary or set-aside folder is left");
    }

    @Test
    void aFailingWriterLeavesThePreviousFolderAndNoTemporary(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("best");
        AtomicFiles.writeFolder(target, folder -> Files.writeString(folder.resolve("model"), "good"));
        IOException failure = new IOException("disk full");
        UqaException thrown = assertThrows(UqaException.class, () -> AtomicFiles.writeFolder(target, folder -> {
            Files.writeString(folder.resolve("model"), "half");
            throw failure;
        }));
        assertSame(failure, thrown.getCause(), "the write failure is named as the cause");
        assertEquals("good", Files.readString(target.resolve("model")));
        assertEquals(List.of("best"), names(dir));
        assertTrue(names(dir).stream().noneMatch(n -> n.contains(".old")), names(dir).toString());
    }
}
