package dev.uqabench.base;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What code made a stage's output: the build's version and a hash of the compiled classes of every floor the
 * stage stands on (docs/ARCHITECTURE.md), so that changing a stage's code, or anything below it, reruns that stage
 * and (through the manifests they hash) every later one, while earlier stages are reused. The classes are read
 * from the jar (or the classes folder in a build) that holds this class.
 *
 * <p>A system property {@code uqabench.code.FLOOR} (e.g. {@code -Duqabench.code.pretrain=patched}) stands for a
 * change of that floor's code, for tests and for forcing a floor's stages to rerun.
 */
public final class CodeIdentity {

    /** The floors, bottom to top; the architecture test checks the imports against this order. */
    public static final List<String> FLOORS = List.of(
            "base", "tensor", "dist", "nn", "train", "data", "qa", "encoder", "pretrain", "llm", "align", "eval", "audit",
            "report", "run", "study", "cli");

    private static final String ROOT = "dev/uqabench/";
    private static Map<String, String> floorHashes;

    private CodeIdentity() {
    }

    /**
     * The identity of the code a stage of floor {@code floor} runs: the version, the floors up to it and
     * {@code run} (which wires every stage).
     */
    public static String of(String floor) {
        int top = FLOORS.indexOf(floor);
        if (top < 0) {
            throw new IllegalArgumentException("unknown floor '" + floor + "' (floors: " + FLOORS + ")");
        }
        Map<String, String> hashes = floorHashes();
        StringBuilder sb = new StringBuilder(Versions.UQABENCH);
        for (String f : FLOORS.subList(0, top + 1)) {
            sb.append('\n').append(f).append(' ').append(hashes.getOrDefault(f, "-"));
        }
        sb.append("\nrun ").append(hashes.getOrDefault("run", "-"));
        return Versions.UQABENCH + "+" + Hashing.sha256(sb.toString()).substring(0, 16);
    }

    private static synchronized Map<String, String> floorHashes() {
        if (floorHashes == null) {
            Map<String, MessageDigest> digests = new HashMap<>();
            for (Map.Entry<String, byte[]> e : classes().entrySet()) {
                String rest = e.getKey().substring(ROOT.length());
                int slash = rest.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                MessageDigest d = digests.computeIfAbsent(rest.substring(0, slash), f -> sha256());
                d.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                d.update(e.getValue());
            }
            Map<String, String> hashes = new HashMap<>();
            digests.forEach((floor, d) -> hashes.put(floor, HexFormat.of().formatHex(d.digest())));
            for (String floor : FLOORS) {
                String override = System.getProperty("uqabench.code." + floor);
                if (override != null) {
                    hashes.put(floor, "override:" + override);
                }
            }
            floorHashes = Map.copyOf(hashes);
        }
        return floorHashes;
    }

    /** Test hook: forget the hashes so that changed {@code uqabench.code.*} properties count. */
    public static synchronized void reset() {
        floorHashes = null;
    }

    /** Class-file name under {@code dev/uqabench/} → bytes, sorted by name. */
    private static Map<String, byte[]> classes() {
        Map<String, byte[]> out = new TreeMap<>();
        try {
            Path location = Path.of(CodeIdentity.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                Path root = location.resolve(ROOT);
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                        out.put(ROOT + root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                    }
                }
            } else {
                try (ZipFile jar = new ZipFile(location.toFile())) {
                    List<? extends ZipEntry> entries = new ArrayList<>(jar.stream()
                            .filter(e -> e.getName().startsWith(ROOT) && e.getName().endsWith(".class")).toList());
                    for (ZipEntry e : entries) {
                        try (InputStream in = jar.getInputStream(e)) {
                            out.put(e.getName(), in.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read uqabench's own classes to identify the code", e);
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate uqabench's own classes to identify the code", e);
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
