package dev.uqabench.base;

import java.util.LinkedHashMap;
import java.util.Map;

/** Tool and library versions recorded in every manifest. */
public final class Versions {

    public static final String UQABENCH = "0.1.0";

    private Versions() {
    }

    public static Map<String, String> current() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("uqabench", UQABENCH);
        v.put("java", System.getProperty("java.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        v.put("libtorch", "2.10.0 (org.bytedeco:pytorch:2.10.0-1.5.13)");
        v.put("tokenizers", "ai.djl.huggingface:tokenizers:0.36.0");
        v.put("arrow", "19.0.0");
        return v;
    }
}
