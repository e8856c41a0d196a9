package dev.uqabench.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.run.UqaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Minimal safetensors IO for float32 CPU tensors (8-byte little-endian header length, JSON
 * header, raw data), and atomic directory replacement. Kept private to pre-training until the
 * shared tensor package's reader is merged.
 */
final class CheckpointIO {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointIO() {
    }

    /** Writes {@code tensors} (any order; stored sorted by name) to {@code file}. */
    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        TreeSet<String> names = new TreeSet<>(tensors.keySet());
        long offset = 0;
        for (String name : names) {
            Tensor t = tensors.get(name);
            requireFloat(t, name);
            ObjectNode entry = header.putObject(name);
            entry.put("dtype", "F32");
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long bytes = t.numel() * 4;
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerBytes);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, prefix);
            for (String name : names) {
                Tensor t = tensors.get(name).detach().contiguous();
                BytePointer data = new BytePointer(t.data_ptr()).capacity(t.numel() * 4);
                writeFully(channel, data.asByteBuffer());
            }
        }
    }

    /**
     * Copies every tensor of {@code file} into the same-named target (same shape), failing with a
     * message naming the file when names, shapes or the layout do not match.
     */
    static void readInto(Path file, Map<String, Tensor> targets) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw corrupt(file, "shorter than the 8-byte header length");
            }
            ByteBuffer lengthBuffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lengthBuffer, 0);
            long headerLength = lengthBuffer.flip().getLong();
            if (headerLength <= 0 || headerLength > size - 8 || headerLength > 100_000_000) {
                throw corrupt(file, "header length " + headerLength + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerLength);
            channel.read(headerBuffer, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBuffer.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw corrupt(file, "unreadable JSON header (" + e.getMessage() + ")");
            }
            long dataStart = 8 + headerLength;
            TreeSet<String> seen = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                String name = e.getKey();
                Tensor target = targets.get(name);
                if (target == null) {
                    throw new UqaException(file + ": tensor '" + name + "' does not belong to this model "
                            + "(a checkpoint of another encoder or feature set?)");
                }
                JsonNode entry = e.getValue();
                if (!"F32".equals(entry.path("dtype").asText())) {
                    throw corrupt(file, "tensor '" + name + "' has dtype " + entry.path("dtype") + ", expected F32");
                }
                long[] shape = new long[entry.path("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = entry.path("shape").get(i).asLong();
                }
                if (!java.util.Arrays.equals(shape, target.shape())) {
                    throw new UqaException(file + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(shape)
                            + ", the model expects " + java.util.Arrays.toString(target.shape())
                            + " (a checkpoint of another shape or table sizes?)");
                }
                long begin = entry.path("data_offsets").path(0).asLong(-1);
                long end = entry.path("data_offsets").path(1).asLong(-1);
                if (begin < 0 || end - begin != target.numel() * 4 || dataStart + end > size) {
                    throw corrupt(file, "tensor '" + name + "' has data offsets [" + begin + ", " + end
                            + "] that do not fit its shape or the file");
                }
                copy(channel, dataStart + begin, target);
                seen.add(name);
            }
            if (!seen.equals(new TreeSet<>(targets.keySet()))) {
                TreeSet<String> missing = new TreeSet<>(targets.keySet());
                missing.removeAll(seen);
                throw new UqaException(file + ": missing tensors " + missing);
            }
        } catch (IOException e) {
            throw new UqaException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces directory {@code target} by {@code staged} (written completely beforehand). */
    static void replaceDirectory(Path staged, Path target) throws IOException {
        Path old = target.resolveSibling(target.getFileName() + ".old");
        deleteRecursively(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(old);
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void copy(FileChannel channel, long position, Tensor target) throws IOException {
        if (!target.is_contiguous()) {
            throw new IllegalStateException("target tensor must be contiguous");
        }
        long bytes = target.numel() * 4;
        BytePointer data = new BytePointer(target.data_ptr()).capacity(bytes);
        // map in slices below 2 GiB, the limit of one ByteBuffer
        long done = 0;
        while (done < bytes) {
            long chunk = Math.min(bytes - done, 1L << 30);
            MappedByteBuffer source = channel.map(FileChannel.MapMode.READ_ONLY, position + done, chunk);
            ByteBuffer destination = new BytePointer(data).position(done).capacity(done + chunk).asByteBuffer();
            destination.put(source);
            done += chunk;
        }
    }

    private static void requireFloat(Tensor t, String name) {
        if (t.scalar_type().value != torch.ScalarType.Float.value) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + t.scalar_type() + ", only float32 is stored");
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static UqaException corrupt(Path file, String why) {
        return new UqaException(file + " is not a valid safetensors file: " + why);
    }
}
