package dev.uqabench.run;

import dev.uqabench.base.UqaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One run at a time in a run folder: an operating-system lock on {@code RUN_DIR/.uqabench.lock}, held for the
 * whole run. The kernel drops the lock when its process ends, however it ends, so a lock left by a killed run
 * is never in the way; the file only says who holds it (pid, host, start), for the message a second run gets.
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = ".uqabench.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code runDir} (made if missing), or stops naming the run that holds it. */
    public static RunLock acquire(Path runDir) {
        Path file = runDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(runDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new UqaException(runDir + ": another uqabench run is using this folder ("
                        + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for it to finish or choose another"
                        + " --run-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " on "
                    + hostName() + ", started " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UqaException(file + ": cannot take the run folder's lock: " + e.getMessage(), e);
        }
    }

    /** Releases the lock; the file stays (deleting it could race a run that is opening it). */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException ignored) {
            // the lock goes with the channel below, and with the process in any case
        } finally {
            closeQuietly(channel);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this host";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
