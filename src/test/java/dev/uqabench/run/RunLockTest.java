package dev.uqabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import dev.uqabench.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time in a run folder; the second is refused naming the holder and touches nothing. */
class RunLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondRunIsRefusedNamingTheHolderUntilTheFirstEnds() throws Exception {
        Path run = dir.resolve("run");
        try (RunLock first = RunLock.acquire(run)) {
            UqaException e = assertThrows(UqaException.class, () -> RunLock.acquire(run));
            assertTrue(e.getMessage().startsWith(run + ": another uqabench run is using this folder (pid "
                    + ProcessHandle.current().pid()), e.getMessage());
            Path config = Files.writeString(dir.resolve("micro.yaml"), QuickstartEndToEndTest.MICRO);
            assertEquals(2, Main.execute("quickstart", "--run-dir", run.toString(), "--config", config.toString(), "--quiet"));
            try (var entries = Files.list(run)) {
                assertEquals(1, entries.count(), "the refused run wrote nothing beside the lock");
            }
        }
        try (RunLock again = RunLock.acquire(run)) {
            assertTrue(Files.exists(run.resolve(RunLock.FILE)));
        }
        assertFalse(Files.readString(run.resolve(RunLock.FILE)).contains("pid"), "a released lock names nobody");
    }
}
