package dev.uqabench.tensor;

import dev.uqabench.base.AtomicFiles;

import dev.uqabench.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.base.UqaException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * {@code name -> {dtype, shape, data_offsets}}, then the raw little-endian tensor bytes.
 *
 * <p>Reading validates the whole header before any byte reaches native code (a corrupt header must
 * give a message naming the file and tensor, never a JVM crash), then memory-maps each tensor read-only
 * so weights never pass through the Java heap.
 */
public final class Safetensors {
    /** Headers beyond this are refused rather than allocated (real ones are well under 1 MiB). */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = Json.rows();

    /** The JDK's supported-but-unexported way to release a mapping promptly (as Lucene and Netty do). */
    private static final java.util.function.Consumer<ByteBuffer> UNMAPPER = unmapper();

    private Safetensors() {}

    private static java.util.function.Consumer<ByteBuffer> unmapper() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            java.lang.reflect.Method invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
            return buffer -> {
                try {
                    invokeCleaner.invoke(unsafe, buffer);
                } catch (ReflectiveOperationException e) {
                    // Leave the mapping to the garbage collector.
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            return buffer -> { };
        }
    }

    /** One tensor's header entry; offsets are relative to the start of the data section. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long s : shape) n *= s;
            return n;
        }
    }

    /**
     * An opened, validated safetensors file. Tensors it returns point into memory mappings this object
     * holds: keep it reachable as long as they are used.
     */
    public static final class MappedFile {
        private final Path path;
        private final long dataStart;
        private final Map<String, Entry> entries;
        private final Map<String, String> metadata;
        private final Map<String, List<MappedByteBuffer>> mappings = new LinkedHashMap<>();   // tensor name -> its mappings

        private MappedFile(Path path, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
            this.path = path;
            this.dataStart = dataStart;
            this.entries = entries;
            this.metadata = metadata;
        }

        public Path path() { return path; }

        public Map<String, Entry> entries() { return Collections.unmodifiableMap(entries); }

        public Map<String, String> metadata() { return Collections.unmodifiableMap(metadata); }

        /**
         * The tensor {@code name}, backed by a read-only mapping of the file: no copy. Never write into it
         * (in-place ops would fault); clone it first.
         */
        public synchronized Tensor tensor(String name) {
            Entry e = entries.get(name);
            if (e == null) throw new UqaException(path + ": no tensor '" + name + "'");
            long bytes = e.end() - e.begin();
            if (bytes == 0) {
                return Tensors.keep(torch.zeros(e.shape(), Tensors.options(e.dtype().scalarType())));
            }
            if (bytes > Integer.MAX_VALUE) {
                throw new UqaException(path + ": tensor '" + name + "' is " + bytes + " bytes, over the 2 GiB a single mapping allows");
            }
            MappedByteBuffer buffer;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                buffer = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), bytes);
            } catch (IOException ex) {
                throw new UqaException(path + ": cannot map tensor '" + name + "': " + ex.getMessage(), ex);
            }
            mappings.computeIfAbsent(name, k -> new ArrayList<>()).add(buffer);
            BytePointer data = new BytePointer(buffer);
            Tensor t = torch.from_blob(data, e.shape(), Tensors.options(e.dtype().scalarType()));
            // Unaligned data is legal in the format but not for vectorised kernels: copy those few.
            if (data.address() % e.dtype().byteSize() != 0) t = t.clone();
            return Tensors.keep(t);
        }

        /**
         * Unmaps every mapping now rather than at some later garbage collection. Only for callers that
         * copied what they needed: any tensor still pointing into the file must never be touched again.
         */
        public synchronized void unmap() {
            for (List<MappedByteBuffer> buffers : mappings.values()) buffers.forEach(UNMAPPER);
            mappings.clear();
        }

        /**
         * Unmaps the mappings of tensor {@code name} now (its pages leave the process's resident memory), for a caller
         * that copied it, e.g. converted it to another dtype: a tensor still pointing into them must never be touched
         * again. The file's other tensors stay mapped; {@link #tensor} maps {@code name} afresh if asked again.
         */
        public synchronized void release(String name) {
            List<MappedByteBuffer> buffers = mappings.remove(name);
            if (buffers != null) buffers.forEach(UNMAPPER);
        }

        /** How many tensors of this file are mapped now (for tests). */
        public synchronized int mappedTensors() { return mappings.size(); }

        /** Every tensor, each copied into libtorch-owned memory (for small files such as test fixtures). */
        public Map<String, Tensor> copyAll() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : entries.keySet()) out.put(name, Tensors.keep(tensor(name).clone()));
            return out;
        }
    }

    /** Opens and validates {@code path}; tensors are mapped lazily by {@link MappedFile#tensor}. */
    public static MappedFile open(Path path) {
        if (!Files.isRegularFile(path)) throw new UqaException(path + ": safetensors file not found");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) throw new UqaException(path + ": " + fileSize + " bytes, too short for a safetensors header");
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 2 || headerLength > fileSize - 8) {
                throw new UqaException(path + ": header length " + Long.toUnsignedString(headerLength)
                        + " does not fit in the file of " + fileSize + " bytes");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new UqaException(path + ": header length " + headerLength + " exceeds the " + MAX_HEADER_BYTES + "-byte limit");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            long dataStart = 8 + headerLength;
            return parseHeader(path, new String(header.array(), StandardCharsets.UTF_8), dataStart, fileSize - dataStart);
        } catch (IOException e) {
            throw new UqaException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static MappedFile parseHeader(Path path, String text, long dataStart, long dataLength) {
        JsonNode root;
        try {
            root = JSON.readTree(text.strip());
        } catch (IOException e) {
            throw new UqaException(path + ": header is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new UqaException(path + ": header is not a JSON object");
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode node = field.getValue();
            if (name.equals("__metadata__")) {
                if (!node.isObject()) throw new UqaException(path + ": __metadata__ is not an object");
                node.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.put(name, parseEntry(path, name, node, dataLength));
        }
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry previous = byOffset.get(i - 1);
            Entry current = byOffset.get(i);
            if (current.begin() < previous.end()) {
                throw new UqaException(path + ": tensors '" + previous.name() + "' and '" + current.name()
                        + "' overlap (bytes " + current.begin() + ".." + previous.end() + ")");
            }
        }
        return new MappedFile(path, dataStart, entries, metadata);
    }

    private static Entry parseEntry(Path path, String name, JsonNode node, long dataLength) {
        String where = path + ": tensor '" + name + "'";
        if (!node.isObject()) throw new UqaException(where + ": header entry is not an object");
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) throw new UqaException(where + ": missing dtype");
        DType dtype = DType.fromSafetensorsName(dtypeNode.asText()).orElseThrow(() -> new UqaException(
                where + ": unknown dtype '" + dtypeNode.asText() + "' (supported: F32, BF16, F16, I64, I32)"));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) throw new UqaException(where + ": missing shape");
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.canConvertToLong() || !s.isIntegralNumber() || s.asLong() < 0) {
                throw new UqaException(where + ": shape " + shapeNode + " has a bad dimension");
            }
            shape[i] = s.asLong();
            numel = Math.multiplyExact(numel, shape[i]);
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
            throw new UqaException(where + ": data_offsets must be two integers");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw new UqaException(where + ": data_offsets [" + begin + ", " + end
                    + "] lie outside the data section of " + dataLength + " bytes");
        }
        long expected = Math.multiplyExact(numel, dtype.byteSize());
        if (end - begin != expected) {
            throw new UqaException(where + ": " + (end - begin) + " bytes for shape " + Arrays.toString(shape)
                    + " of " + dtype.safetensorsName() + " (expected " + expected + ")");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Reads every tensor of a (small) file into libtorch-owned memory. */
    public static Map<String, Tensor> read(Path path) {
        return open(path).copyAll();
    }

    public static void write(Path path, Map<String, Tensor> tensors) {
        write(path, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (sorted by name) to a temporary file beside {@code path}, then renames it,
     * so a crash never leaves a half-written file under the final name.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        List<Tensor> contiguous = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            Tensor t = e.getValue().detach().contiguous();
            DType dtype = DType.fromScalarType(Tensors.scalarType(t)).orElseThrow(() -> new UqaException(
                    path + ": tensor '" + e.getKey() + "' has unsupported type " + Tensors.scalarType(t)));
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype.safetensorsName());
            var shape = entry.putArray("shape");
            for (long s : Tensors.shape(t)) shape.add(s);
            long bytes = t.numel() * dtype.byteSize();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
            contiguous.add(t);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        Path temp = AtomicFiles.temporaryFor(path);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip();
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(headerBytes));
                for (Tensor t : contiguous) {
                    long bytes = t.nbytes();
                    if (bytes == 0) continue;
                    Pointer raw = t.data_ptr();
                    // Write in chunks: one ByteBuffer view is limited to 2 GiB.
                    for (long done = 0; done < bytes; ) {
                        long chunk = Math.min(bytes - done, 1L << 30);
                        BytePointer view = new BytePointer(raw).position(done).limit(done + chunk);
                        writeFully(out, view.asByteBuffer());
                        done += chunk;
                    }
                }
                out.force(true);
            }
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(temp);
            throw new UqaException(path + ": cannot write: " + e.getMessage(), e);
        }
        AtomicFiles.commit(temp, path.toAbsolutePath());
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
    }
}
