package dev.uqabench.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The version is written once, in pom.xml, and read from the build. */
class VersionsTest {

    @Test
    void theVersionComesFromThePom() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>uqabench</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "pom.xml has no project version");
        assertEquals(m.group(1), Versions.UQABENCH);
        assertEquals(m.group(1), Versions.current().get("uqabench"));
        assertTrue(Versions.current().get("libtorch").startsWith("2."), Versions.current().toString());
    }
}
