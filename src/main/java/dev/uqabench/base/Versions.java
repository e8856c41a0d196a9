package dev.uqabench.base;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Tool and library versions recorded in every manifest. They are written once, in {@code pom.xml}, and
 * reach the code through {@code build.properties}, which Maven fills in at build time.
 */
public final class Versions {

    private static final Properties BUILD = load();

    /** This build's version, e.g. {@code 0.1.0}. */
    public static final String UQABENCH = get("version");

    private Versions() {
    }

    public static Map<String, String> current() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("uqabench", UQABENCH);
        v.put("java", System.getProperty("java.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        String pytorch = get("pytorch");
        v.put("libtorch", pytorch.substring(0, pytorch.indexOf('-')) + " (org.bytedeco:pytorch:" + pytorch + ")");
        v.put("tokenizers", "ai.djl.huggingface:tokenizers:" + get("tokenizers"));
        v.put("arrow", get("arrow"));
        return v;
    }

    private static String get(String key) {
        String value = BUILD.getProperty(key);
        if (value == null || value.startsWith("${")) {
            throw new IllegalStateException("build.properties lacks '" + key + "': the classes were not built by Maven");
        }
        return value;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException("build.properties is missing from the class path: build with Maven");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
