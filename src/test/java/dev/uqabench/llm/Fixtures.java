package dev.uqabench.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden decoder fixtures: ../shared/fixtures/decoder-*, our own src/test/resources/llm/fixtures/decoder-*,
 * plus folders in UQABENCH_DECODER_FIXTURES (colon-separated).
 */
final class Fixtures {
    private Fixtures() {}

    static Path shared() {
        return Path.of("..", "shared", "fixtures");
    }

    static List<Path> decoderFixtures() throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(shared())) {
            try (Stream<Path> s = Files.list(shared())) {
                s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("decoder-"))
                        .sorted().forEach(out::add);
            }
        }
        // Our own fixtures, made by FixtureGenerator with the independent NaiveDecoder.
        if (Files.isDirectory(FixtureGenerator.ROOT)) {
            try (Stream<Path> s = Files.list(FixtureGenerator.ROOT)) {
                s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("decoder-"))
                        .sorted().forEach(out::add);
            }
        }
        String extra = System.getenv("UQABENCH_DECODER_FIXTURES");
        if (extra != null) {
            for (String part : extra.split(":")) if (!part.isBlank()) out.add(Path.of(part));
        }
        return out;
    }
}
