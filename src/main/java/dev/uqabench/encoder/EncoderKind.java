package dev.uqabench.encoder;

import dev.uqabench.base.UqaException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Generator;

/**
 * One encoder architecture: its name, config type, named presets and a builder. Registered in
 * {@link EncoderRegistry}; a new encoder is one subpackage plus one registry line.
 *
 * @param name        registry name ({@code sasrec}, {@code hstu}, ...)
 * @param description one line for {@code uqabench encoders}
 * @param configType  the encoder's config record
 * @param presets     named configs in ascending size ({@code tiny}, ..., {@code paper}, ladder rungs)
 * @param builder     makes a fresh encoder with seeded initial weights
 */
public record EncoderKind<C extends EncoderConfig>(String name, String description, Class<C> configType,
                                                   Map<String, C> presets, Builder<C> builder) {

    /** Builds an encoder reading at most {@code maxLength} events. */
    @FunctionalInterface
    public interface Builder<C> {
        UserEncoder build(C config, int maxLength, Generator generator);
    }

    public EncoderKind {
        presets = Collections.unmodifiableMap(new LinkedHashMap<>(presets));
    }

    /** A named preset, or an error listing the known ones. */
    public C preset(String presetName) {
        C config = presets.get(presetName);
        if (config == null) {
            throw new UqaException("encoder '" + name + "' has no preset '" + presetName + "' (known: "
                    + String.join(", ", presets.keySet()) + ")");
        }
        return config;
    }

    /** Builds an encoder from a config of this kind. */
    public UserEncoder build(EncoderConfig config, int maxLength, Generator generator) {
        if (!configType.isInstance(config)) {
            throw new UqaException("encoder '" + name + "' needs a " + configType.getSimpleName() + ", got "
                    + config.getClass().getSimpleName());
        }
        if (maxLength <= 0) {
            throw new UqaException("max length must be positive, got " + maxLength);
        }
        return builder.build(configType.cast(config), maxLength, generator);
    }
}
