package dev.uqabench.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden decoder fixtures: those in the repository ({@code src/test/resources/llm/fixtures/decoder-*}: the
 * Python-made {@code decoder-qwen2-tiny}, copied from {@code ../shared/fixtures}, and our own, made by
 * FixtureGenerator with the independent NaiveDecoder), any further {@code ../shared/fixtures/decoder-*}
 * not copied here (an extra source only: the suite passes without it), plus folders in
 * UQABENCH_DECODER_FIXTURES (colon-separated).
 */
final class Fixtures {
    private Fixtures() {}

    static Path shared() {
        return Path.of("..", "shared", "fixtures");
    }

    /** The fixture made by an independent Python reference (Hugging Face transformers' Qwen2 code). */
    static Path pythonReference() {
        return FixtureGenerator.ROOT.resolve("decoder-qwen2-tiny");
    }

    static List<Path> decoderFixtures() throws IOException {
        List<Path> out = new ArrayList<>();
        // Our own fixtures first; a shared one counts only when no fixture here has its name.
        if (Files.isDirectory(FixtureGenerator.ROOT)) {
            try (Stream<Path> s = Files.list(FixtureGenerator.ROOT)) {
                s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("decoder-"))
                        .sorted().forEach(out::add);
            }
        }
        if (Files.isDirectory(shared())) {
            List<String> names = out.stream().map(p -> p.getFileName().toString()).toList();
            try (Stream<Path> s = Files.list(shared())) {
                s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("decoder-"))
                        .filter(p -> !names.contains(p.getFileName().toString()))
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
