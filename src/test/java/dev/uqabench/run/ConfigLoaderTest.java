package dev.uqabench.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uqabench.base.ConfigException;
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

    enum Speed { @JsonProperty("slow") SLOW, @JsonProperty("very_fast") VERY_FAST }

    record Training(int batchSize, Speed speed) {
        Training {
            ConfigException.require(batchSize > 0, "training config", "batch_size", "must be positive, got " + batchSize);
        }
    }

    record Study(Training training) {
    }

    private static final Outer DEFAULTS = new Outer(7, new Inner(4, 0.5));
    private static final Study STUDY = new Study(new Training(8, Speed.SLOW));

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

    @Test
    void anEmptyFileIsRefusedInsteadOfRunningTheDefaults() throws Exception {
        // issue 12: an empty --config started the full default quickstart
        for (String text : new String[] {"", "# only a comment\n"}) {
            Path f = Files.writeString(dir.resolve("empty.yaml"), text);
            UqaException e = assertThrows(UqaException.class, () -> ConfigLoader.load(DEFAULTS, f, Outer.class));
            assertEquals("config file " + f + " has no keys (empty or only comments); leave out --config to run with the defaults",
                    e.getMessage());
        }
    }

    @Test
    void yamlInfinityAndNanAreInvalidValuesNamingTheKey() throws Exception {
        // issue 12: '.inf' and '.nan' failed as "not valid YAML" without the key
        for (String value : new String[] {".inf", ".nan", "-.inf"}) {
            Path f = Files.writeString(dir.resolve("c.yaml"), "model:\n  rate: " + value + "\n");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEFAULTS, f, Outer.class));
            assertEquals("model.rate", e.key());
            assertEquals("config file " + f + ": invalid value at 'model.rate': must be a finite number, got " + value,
                    e.getMessage());
        }
    }

    @Test
    void aSyntaxErrorNamesTheLineAndKey() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "seed: 1\nmodel: {size: 16\n");
        UqaException e = assertThrows(UqaException.class, () -> ConfigLoader.load(DEFAULTS, f, Outer.class));
        assertTrue(e.getMessage().startsWith("config file " + f + " is not valid YAML/JSON (line "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void keysAreSnakeCaseAndEnumValuesLowerCase() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "training: {batch_size: 16, speed: very_fast}\n");
        assertEquals(new Study(new Training(16, Speed.VERY_FAST)), ConfigLoader.load(STUDY, f, Study.class));
    }

    @Test
    void anOldCamelCaseKeyFailsNamingTheNewSpelling() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "training:\n  batchSize: 16\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(STUDY, f, Study.class));
        assertEquals("config file " + f + ": unknown key 'training.batchSize' \u2014 keys are snake_case now: "
                + "'training.batch_size'", e.getMessage());
        assertEquals("training.batchSize", e.key());
    }

    @Test
    void anUpperCaseEnumValueFailsNamingTheKeyAndTheAcceptedValues() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "training:\n  speed: VERY_FAST\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(STUDY, f, Study.class));
        assertEquals("config file " + f + ": invalid value at 'training.speed': must be one of slow, very_fast "
                + "(values are lower-case now), got \"VERY_FAST\"", e.getMessage());
        Path unknown = Files.writeString(dir.resolve("d.yaml"), "training:\n  speed: 1\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(STUDY, unknown, Study.class));
        assertEquals("config file " + unknown + ": invalid value at 'training.speed': must be one of slow, very_fast, "
                + "got 1", e.getMessage());
    }

    @Test
    void aBadValueNamesItsSnakeCaseKeyInOneLine() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "training:\n  batch_size: -4\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(STUDY, f, Study.class));
        assertEquals("config file " + f + ": invalid value at 'training.batch_size': must be positive, got -4",
                e.getMessage());
        assertEquals("training.batch_size", e.key());
        Path fraction = Files.writeString(dir.resolve("d.yaml"), "training:\n  batch_size: 1.5\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(STUDY, fraction, Study.class));
        assertEquals("config file " + fraction + ": invalid value at 'training.batch_size': must be an integer, got 1.5",
                e.getMessage());
    }
}
