package dev.uqabench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The training kit sits below the stages that use it: it may import only base, tensor and nn. */
class KitDependenciesTest {

    private static final Pattern PROJECT_IMPORT = Pattern.compile("dev\\.uqabench\\.(\\w+)\\.");
    private static final List<String> ALLOWED = List.of("base", "tensor", "nn", "train");

    @Test
    void theKitImportsOnlyBaseTensorAndNn() throws IOException {
        Path folder = Path.of("src/main/java/dev/uqabench/train");
        assertTrue(Files.isDirectory(folder), "run from the project root: " + folder.toAbsolutePath());
        try (Stream<Path> files = Files.list(folder)) {
            List<String> offending = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    Matcher m = PROJECT_IMPORT.matcher(Files.readString(f));
                    return m.results().map(r -> r.group(1)).filter(p -> !ALLOWED.contains(p))
                            .map(p -> f.getFileName() + " uses " + p).toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(List.of(), offending);
        }
    }
}
