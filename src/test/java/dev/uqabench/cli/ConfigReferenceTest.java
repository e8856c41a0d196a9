package dev.uqabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.ConfigReference;
import dev.uqabench.run.RunConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIG.md is {@code uqabench config --defaults} plus each key's meaning, taken from the {@code @param} of
 * its record component in the source. Stale, it fails; {@code -Duqabench.writeDocs=true} rewrites it.
 */
class ConfigReferenceTest {

    private static final Path DOC = Path.of("docs", "CONFIG.md");

    @Test
    void theCommandListsEveryKeyWithItsDefault() {
        List<ConfigReference.Key> keys = ConfigReference.keys(RunConfig.quickstart());
        assertTrue(keys.stream().anyMatch(k -> k.path().equals("llm.batching") && k.type().equals("one of random, by_length")
                && k.defaultValue().equals("by_length")), keys.toString());
        assertTrue(keys.stream().anyMatch(k -> k.path().equals("pretrain.max_length") && k.defaultValue().equals("200")));
        java.io.StringWriter out = new java.io.StringWriter();
        assertEquals(0, Main.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter()),
                "config", "--defaults"));
        assertTrue(out.toString().contains("| `qa.validation_fraction` | `0.5` | number |"), out.toString());
    }

    @Test
    void docsConfigIsTheReferenceWithMeanings() throws IOException {
        Map<String, String> cache = new HashMap<>();
        String expected = "# Configuration keys\n\n"
                + "Generated from the config records by `ConfigReferenceTest` (`mvn test -Dtest=ConfigReferenceTest"
                + " -Duqabench.writeDocs=true` rewrites it); `./uqabench config --defaults` prints the same keys"
                + " without the meanings.\n\n" + ConfigCommand.text(k -> meaning(k, cache));
        if (Boolean.getBoolean("uqabench.writeDocs")) {
            Files.writeString(DOC, expected);
        }
        assertEquals(expected, Files.readString(DOC), "docs/CONFIG.md is stale: rerun with -Duqabench.writeDocs=true");
    }

    /** The {@code @param} text of the key's record component, from the source of the record (or its outer class). */
    private static String meaning(ConfigReference.Key key, Map<String, String> sources) {
        Class<?> outer = key.owner();
        while (outer.getEnclosingClass() != null) {
            outer = outer.getEnclosingClass();
        }
        Path file = Path.of("src", "main", "java", outer.getName().replace('.', '/') + ".java");
        String text = sources.computeIfAbsent(file.toString(), f -> {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Matcher m = Pattern.compile("@param\\s+" + Pattern.quote(key.component())
                + "\\s+((?:.(?!\\n\\s*\\*\\s*@|\\n\\s*\\*/))*.)", Pattern.DOTALL).matcher(text);
        if (!m.find()) {
            return "";
        }
        return m.group(1).replaceAll("\\n\\s*\\*\\s*", " ").replaceAll("\\{@(?:code|link) ([^}]*)}", "`$1`")
                .replaceAll("\\s+", " ").strip();
    }
}
