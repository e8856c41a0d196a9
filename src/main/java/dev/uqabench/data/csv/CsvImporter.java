package dev.uqabench.data.csv;

import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.InteractionLog;
import dev.uqabench.data.ImportNotes;
import dev.uqabench.base.UqaException;

import java.nio.file.Path;

/**
 * Imports a CSV/TSV click log (user, item, timestamp per row) and an optional items file (item id
 * to category, brand, shop, seller, title) into the release layout. Attribute columns absent from
 * the items file are simply unmapped; the id columns must exist.
 */
public final class CsvImporter {

    private final CsvImportOptions options;

    public CsvImporter(CsvImportOptions options) {
        this.options = options;
    }

    /** Reads the files into an interaction log (bad rows fail, or are skipped and counted). */
    public InteractionLog read() {
        InteractionLog log = new InteractionLog();
        if (options.items() != null) {
            readItems(log);
        }
        readInteractions(log);
        return log;
    }

    /** Reads and writes {@code directory}; returns what {@code dataset.json} records. */
    public DatasetInfo importTo(Path directory, DatasetInfo.Split split) {
        InteractionLog log = read();
        return log.write(directory, "csv:" + options.interactions().getFileName(), split);
    }

    private void readInteractions(InteractionLog log) {
        Path file = options.interactions();
        try (DelimitedFile in = DelimitedFile.open(file, options.delimiterFor(file), true)) {
            int user = in.column(options.userColumn(), "user id");
            int item = in.column(options.itemColumn(), "item id");
            int time = in.column(options.timeColumn(), "timestamp");
            String ratingName = options.ratingColumnName();
            int rating = options.minRating() != null || options.ratingColumn() != null || in.hasColumn(ratingName)
                    ? in.column(ratingName, "rating") : -1;
            int needed = Math.max(Math.max(user, rating), Math.max(item, time)) + 1;
            long rows = 0;
            long dropped = 0;
            for (String[] row; (row = in.next()) != null; ) {
                if (!enoughColumns(log, in, row, needed)) {
                    continue;
                }
                String userKey = row[user].trim();
                String itemKey = row[item].trim();
                if (userKey.isEmpty() || itemKey.isEmpty()) {
                    String column = userKey.isEmpty() ? options.userColumn() : options.itemColumn();
                    bad(log, "empty id", in.where() + ", column '" + column + "': expected an id, got an empty field");
                    continue;
                }
                rows++;
                if (rating >= 0) {
                    double value;
                    try {
                        value = Double.parseDouble(row[rating].trim());
                    } catch (NumberFormatException e) {
                        bad(log, "bad rating", in.where() + ", column '" + ratingName + "': expected a number, got '"
                                + row[rating] + "'");
                        continue;
                    }
                    if (options.minRating() != null && value < options.minRating()) {
                        dropped++;
                        continue;
                    }
                }
                double when;
                try {
                    when = Timestamps.parse(row[time]);
                } catch (IllegalArgumentException e) {
                    bad(log, "bad timestamp", in.where() + ", column '" + options.timeColumn() + "': " + e.getMessage());
                    continue;
                }
                log.addClick(userKey, itemKey, when);
            }
            ImportNotes.requireSomeKept(file, options.minRating(), dropped, rows);
            if (rating >= 0) {
                log.warn(ImportNotes.ratingWarning("column", ratingName, options.minRating(), dropped, rows));
            }
        }
    }

    private void readItems(InteractionLog log) {
        Path file = options.items();
        try (DelimitedFile in = DelimitedFile.open(file, options.delimiterFor(file), true)) {
            int id = in.column(options.itemIdColumn(), "item id");
            int category = attribute(in, options.categoryColumn(), "category");
            int brand = attribute(in, options.brandColumn(), "brand");
            int shop = attribute(in, options.shopColumn(), "shop");
            int seller = attribute(in, options.sellerColumn(), "seller");
            int title = attribute(in, options.titleColumn(), "title");
            ImportNotes.guessNouns(log, category < 0 ? null : in.header().get(category).trim(),
                    title < 0 ? null : in.header().get(title).trim());
            int needed = 1 + Math.max(id, Math.max(Math.max(category, brand), Math.max(Math.max(shop, seller), title)));
            for (String[] row; (row = in.next()) != null; ) {
                if (!enoughColumns(log, in, row, needed)) {
                    continue;
                }
                String key = row[id].trim();
                if (key.isEmpty()) {
                    bad(log, "empty id", in.where() + ", column '" + options.itemIdColumn() + "': expected an id, got an empty field");
                    continue;
                }
                InteractionLog.ItemText earlier = log.addItem(key, new InteractionLog.ItemText(field(row, category),
                        field(row, brand), field(row, shop), field(row, seller), field(row, title)));
                if (earlier != null) {
                    bad(log, "item repeated with other attributes", ImportNotes.conflictingItem(in.where(), key, earlier));
                }
            }
        }
    }

    private boolean enoughColumns(InteractionLog log, DelimitedFile in, String[] row, int needed) {
        if (row.length >= needed) {
            return true;
        }
        bad(log, "too few columns", in.where() + ": expected at least " + needed + " columns (the header has "
                + in.header().size() + "), got " + row.length);
        return false;
    }

    private void bad(InteractionLog log, String reason, String message) {
        if (!options.skipBadRows()) {
            throw new UqaException(message);
        }
        log.skipped().record(reason, message);
    }

    /** Column index of an attribute: a named column must exist; unnamed, the default name is used if present, else -1. */
    private static int attribute(DelimitedFile in, String name, String attribute) {
        if (name != null) {
            return in.column(name, "item " + attribute);
        }
        return in.hasColumn(attribute) ? in.column(attribute, "item " + attribute) : -1;
    }

    private static String field(String[] row, int index) {
        return index < 0 ? null : row[index].trim();
    }
}
