package dev.uqabench.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Dense ids from 1 for string keys in order of first appearance; 0 stays the padding/unknown id. */
public final class IdMap {

    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> keys = new ArrayList<>();

    /** The id of {@code key}, assigning the next one if new; null or empty keys are unknown (0). */
    public int id(String key) {
        if (key == null || key.isEmpty()) {
            return 0;
        }
        Integer id = ids.get(key);
        if (id == null) {
            keys.add(key);
            id = keys.size();
            ids.put(key, id);
        }
        return id;
    }

    /** The id of a known key, or 0. */
    public int find(String key) {
        Integer id = key == null ? null : ids.get(key);
        return id == null ? 0 : id;
    }

    /** The key of id {@code id} (1-based). */
    public String key(int id) {
        return keys.get(id - 1);
    }

    /** Number of ids assigned (the table then needs {@code size() + 1} rows). */
    public int size() {
        return keys.size();
    }
}
