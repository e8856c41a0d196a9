package dev.uqabench.base;

/**
 * A config value or key the user got wrong: the one exception every config record's validation
 * and {@link ConfigLoader} throw. It carries the snake_case key it is about, relative to the record
 * that threw it; the loader re-anchors it at the key's full dotted path in the file
 * ({@code config file F: invalid value at 'pretrain.batch_size': must be positive, got -4}).
 */
public final class ConfigException extends UqaException {

    private final String key;
    private final String problem;

    /**
     * @param where   what is being read ("pretrain config", "config file x.yaml"), or null
     * @param key     the snake_case key, dotted for nested keys ({@code alignment_per_user.df})
     * @param problem what is wrong, with the value given ("must be positive, got -4")
     */
    public ConfigException(String where, String key, String problem) {
        this(where, key, problem, null);
    }

    public ConfigException(String where, String key, String problem, Throwable cause) {
        super((where == null ? "" : where + ": ") + "invalid value at '" + key + "': " + problem, cause);
        this.key = key;
        this.problem = problem;
    }

    private ConfigException(String message, String key) {
        super(message);
        this.key = key;
        this.problem = null;
    }

    /** A key the config does not have; {@code hint} follows the key (the new spelling or the known keys). */
    public static ConfigException unknownKey(String where, String key, String hint) {
        return new ConfigException((where == null ? "" : where + ": ") + "unknown key '" + key + "'" + hint, key);
    }

    /** Fails with an invalid value at {@code key} unless {@code condition} holds. */
    public static void require(boolean condition, String where, String key, String problem) {
        if (!condition) {
            throw new ConfigException(where, key, problem);
        }
    }

    /** The snake_case key, dotted; relative to the record that threw it until the loader re-anchors it. */
    public String key() {
        return key;
    }

    /** What is wrong with the value; null for an unknown key. */
    public String problem() {
        return problem;
    }
}
