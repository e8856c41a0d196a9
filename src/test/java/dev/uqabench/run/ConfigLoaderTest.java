package dev.uqabench.run;

import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.UqaException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    record Inner(int size, double rate) {
        Inner {
            if (size <= 0) {
                throw new IllegalArgumentException("size must be positive, got " + size);
            }
        }
    }

    record Outer(long seed, Inner model) {
    }

    private static final Outer DEFAULTS = new Outer(7, new Inner(4, 0.5));

    @TempDir
    Path dir;

    @Test
    void overridesOnlyTheGivenKeys() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "model:\n  size: 16\n");
        Outer o = ConfigLoader.load(DEFAULTS, f, Outer.class);
        assertEquals(new Outer(7, new Inner(16, 0.5)), o);
    }

    @Test
    void noFileGivesDefaults() {
        assertEquals(DEFAULTS, ConfigLoader.load(DEFAULTS, null, Outer.class));
    }

    @Test
    void unknownNestedKeyIsNamedWithItsPath() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "model:\n  sise: 16\n");
        UqaException e = assertThrows(UqaException.class, () -> ConfigLoader.load(DEFAULTS, f, Outer.class));
        assertTrue(e.getMessage().contains("unknown key 'model.sise'"), e.getMessage());
    }

    @Test
    void invalidValueIsNamedWithItsPath() throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"model\": {\"size\": -3}}");
        UqaException e = assertThrows(UqaException.class, () -> ConfigLoader.load(DEFAULTS, f, Outer.class));
        assertTrue(e.getMessage().contains("'model'") && e.getMessage().contains("size must be positive"), e.getMessage());
    }

    @Test
    void wrongTypeIsNamed() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "seed: abc\n");
        UqaException e = assertThrows(UqaException.class, () -> ConfigLoader.load(DEFAULTS, f, Outer.class));
        assertTrue(e.getMessage().contains("'seed'"), e.getMessage());
    }

    @Test
    void missingFileIsAnError() {
        UqaException e = assertThrows(UqaException.class,
                () -> ConfigLoader.load(DEFAULTS, dir.resolve("nope.yaml"), Outer.class));
        assertTrue(e.getMessage().contains("nope.yaml"));
    }
}
