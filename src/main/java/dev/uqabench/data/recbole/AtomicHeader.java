package dev.uqabench.data.recbole;

import dev.uqabench.data.csv.DelimitedFile;
import dev.uqabench.base.UqaException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header of a RecBole atomic file: tab-separated {@code name:type} fields, types
 * {@code token}, {@code token_seq}, {@code float}, {@code float_seq}
 * (RecBole's "atomic files" format).
 */
final class AtomicHeader {

    enum FieldType { TOKEN, TOKEN_SEQ, FLOAT, FLOAT_SEQ }

    /** Column index and type per field name, in file order. */
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final Map<String, FieldType> types = new LinkedHashMap<>();
    private final DelimitedFile file;

    AtomicHeader(DelimitedFile file) {
        this.file = file;
        List<String> header = file.header();
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i).trim();
            int colon = column.lastIndexOf(':');
            if (colon <= 0) {
                throw new UqaException(file.file() + ", line 1, column '" + column
                        + "': expected name:type (RecBole atomic header), e.g. item_id:token");
            }
            String name = column.substring(0, colon);
            String type = column.substring(colon + 1);
            FieldType fieldType;
            try {
                fieldType = FieldType.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UqaException(file.file() + ", line 1, column '" + column + "': unknown RecBole field type '"
                        + type + "' (expected token, token_seq, float or float_seq)");
            }
            if (index.put(name, i) != null) {
                throw new UqaException(file.file() + ", line 1: duplicate field '" + name + "'");
            }
            types.put(name, fieldType);
        }
    }

    boolean has(String name) {
        return index.containsKey(name);
    }

    /** Column of a required field; the error names the fields the file has. */
    int column(String name, String role) {
        Integer i = index.get(name);
        if (i == null) {
            throw new UqaException(file.file() + ": missing field '" + name + "' (" + role + "); the file has fields "
                    + types.keySet());
        }
        return i;
    }

    FieldType type(String name) {
        return types.get(name);
    }

    List<String> names() {
        return List.copyOf(types.keySet());
    }
}
