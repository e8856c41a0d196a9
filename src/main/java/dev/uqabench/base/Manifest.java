package dev.uqabench.base;

import dev.uqabench.base.Hashing;
import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Provenance of one stage output folder: what ran, on what, with which settings, and what it
 * produced. A stage is reused only when {@link #fingerprint} matches and every output is intact.
 *
 * @param fingerprint hash of stage name, config and input hashes; equal fingerprints mean equal work
 * @param inputs      input name to SHA-256 (an upstream manifest, or a source file)
 * @param outputs     file (relative to the folder) to SHA-256
 * @param metrics     headline figures of the stage
 */
public record Manifest(String stage, String fingerprint, JsonNode config, long seed, Map<String, String> inputs,
                       Map<String, String> outputs, Map<String, String> versions, String startedAt,
                       String finishedAt, double seconds, Map<String, Object> metrics) {

    public static final String FILE = "manifest.json";

    public static Manifest read(Path folder) {
        Path file = folder.resolve(FILE);
        try {
            return Json.mapper().readValue(file.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new UqaException("cannot read manifest " + file + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    /** True when every recorded output is present with the recorded hash. */
    public boolean outputsIntact(Path folder) {
        for (Map.Entry<String, String> e : outputs.entrySet()) {
            Path f = folder.resolve(e.getKey());
            if (!Files.isRegularFile(f) || !Hashing.sha256(f).equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
