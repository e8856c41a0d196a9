package dev.uqabench.data.csv;

import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A delimited text file (CSV, TSV, RecBole atomic files) read row by row: strict UTF-8 (a bad
 * byte is an error naming the line, not a silent replacement character), a header row whose
 * names must be distinct, and optional RFC 4180 quoting ({@code "a,b"}, {@code ""} for a quote,
 * quoted fields may span lines).
 */
public final class DelimitedFile implements AutoCloseable {

    private final Path file;
    private final char delimiter;
    private final boolean quoting;
    private final LineReader in;
    private final List<String> header;
    private final Map<String, Integer> columns = new HashMap<>();
    private long line;
    private long rowLine;

    private DelimitedFile(Path file, char delimiter, boolean quoting) throws IOException {
        this.file = file;
        this.delimiter = delimiter;
        this.quoting = quoting;
        this.in = new LineReader(file);
        String[] names = readRow();
        if (names == null) {
            throw new UqaException(file + ": empty file (expected a header row)");
        }
        if (names.length > 0 && names[0].startsWith("\uFEFF")) {
            names[0] = names[0].substring(1);
        }
        header = List.of(names);
        for (int i = 0; i < names.length; i++) {
            if (columns.put(names[i], i) != null) {
                throw new UqaException(file + ", line 1: duplicate header '" + names[i] + "' (column names must be distinct)");
            }
        }
    }

    /** Opens {@code file} and reads its header row. */
    public static DelimitedFile open(Path file, char delimiter, boolean quoting) {
        if (!Files.isRegularFile(file)) {
            throw new UqaException(file + ": file not found");
        }
        try {
            return new DelimitedFile(file, delimiter, quoting);
        } catch (CharacterCodingException e) {
            throw new UqaException(file + ", line 1: not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The delimiter for a file name: tab for .tsv and RecBole files, comma otherwise. */
    public static char delimiterFor(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".csv") ? ',' : '\t';
    }

    public Path file() {
        return file;
    }

    public List<String> header() {
        return header;
    }

    /** Index of a header column; an error naming the file, the column and the columns it has. */
    public int column(String name, String role) {
        Integer index = columns.get(name);
        if (index == null) {
            throw new UqaException(file + ": missing column '" + name + "' (" + role + "); the header has " + header);
        }
        return index;
    }

    public boolean hasColumn(String name) {
        return columns.containsKey(name);
    }

    /** The next data row, or null at the end; rows of whitespace only are skipped. */
    public String[] next() {
        try {
            while (true) {
                String[] row = readRow();
                if (row == null) {
                    return null;
                }
                if (!(row.length == 1 && row[0].isBlank())) {
                    return row;
                }
            }
        } catch (CharacterCodingException e) {
            throw new UqaException(file + ", line " + in.lines() + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new UqaException(file + ", line " + (in.lines() + 1) + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Line number (1-based) where the row last returned by {@link #next()} starts. */
    public long line() {
        return rowLine;
    }

    /** "FILE, line N" for messages about the current row. */
    public String where() {
        return file + ", line " + rowLine;
    }

    private String[] readRow() throws IOException {
        String text = in.readLine();
        if (text == null) {
            return null;
        }
        line++;
        rowLine = line;
        if (!quoting || text.indexOf('"') < 0) {
            return split(text);
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (true) {
            if (i == text.length()) {
                if (!quoted) {
                    break;
                }
                // a quoted field continues on the next line
                String more = in.readLine();
                if (more == null) {
                    throw new UqaException(file + ", line " + rowLine + ": unterminated quoted field");
                }
                line++;
                field.append('\n');
                text = more;
                i = 0;
                continue;
            }
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields.toArray(new String[0]);
    }

    private String[] split(String text) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == delimiter) {
                fields.add(text.substring(start, i));
                start = i + 1;
            }
        }
        fields.add(text.substring(start));
        return fields.toArray(new String[0]);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
