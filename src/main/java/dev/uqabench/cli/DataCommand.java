package dev.uqabench.cli;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.ConfigException;
import dev.uqabench.data.DataStats;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.InteractionLog;
import dev.uqabench.data.arrow.ReleaseFolder;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.csv.CsvImportOptions;
import dev.uqabench.data.csv.CsvImporter;
import dev.uqabench.data.recbole.RecBoleImporter;
import dev.uqabench.data.recbole.RecBoleOptions;
import dev.uqabench.data.skewed.SkewedLogConfig;
import dev.uqabench.data.skewed.SkewedLogGenerator;
import dev.uqabench.qa.ReferenceRules;
import dev.uqabench.base.UqaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/** {@code uqabench data}: import click logs into the release layout, and describe a data folder. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Import RecBole atomic files or CSV logs into the UQABench release layout; data statistics.",
        subcommands = {DataCommand.Import.class, DataCommand.Stats.class, DataCommand.SynthLog.class})
public final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** How imported sequences are split, as for the synthetic data. */
    static final class SplitOptions {
        @Option(names = "--min-events", defaultValue = "5", description = "drop users with fewer events (default ${DEFAULT-VALUE})")
        int minEvents;
        @Option(names = "--future-fraction", defaultValue = "0.1",
                description = "share of each sequence's last events held out as its future (default ${DEFAULT-VALUE})")
        double futureFraction;
        @Option(names = "--held-out-fraction", defaultValue = "0.1",
                description = "share of users whose histories form pretrain_data_eval (default ${DEFAULT-VALUE})")
        double heldOutFraction;
        @Option(names = "--seed", defaultValue = "42", description = "seed of the user split (default ${DEFAULT-VALUE})")
        long seed;

        DatasetInfo.Split split() {
            try {
                return new DatasetInfo.Split(futureFraction, heldOutFraction, minEvents, seed);
            } catch (IllegalArgumentException e) {
                throw new UqaException(e.getMessage().replace("split.future_fraction", "--future-fraction")
                        .replace("split.held_out_user_fraction", "--held-out-fraction")
                        .replace("split.min_events", "--min-events"));
            }
        }
    }

    /** The nouns questions use for the data (dataset.json "nouns"), over the importer's guesses. */
    static final class NounOptions {
        @Option(names = "--noun", description = "KEY=NOUN: how questions name the item or an attribute, KEY one of item, "
                + "category, brand, shop (e.g. --noun item=film --noun category=genre)")
        Map<String, String> nouns = new LinkedHashMap<>();

        /** Checks the flags before any work; the error names --noun. */
        void validate() {
            try {
                DatasetInfo.checkNouns(nouns);
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                throw new UqaException(message.startsWith("nouns.") ? "--noun " + message.substring("nouns.".length())
                        : "--noun" + message.substring("nouns".length()));
            }
        }

        void apply(InteractionLog log) {
            nouns.forEach(log::noun);
        }
    }

    /** Output folder handling shared by the importers: written whole under a temporary name, then renamed. */
    static final class OutputOptions {
        @Option(names = {"-o", "--out"}, required = true, description = "output folder (release layout)")
        Path out;
        @Option(names = "--force", description = "replace an existing output folder")
        boolean force;
        @Option(names = "--skip-bad-rows", description = "skip rows that fail validation and report how many and why")
        boolean skipBadRows;

        /** Runs {@code write} into a fresh temporary folder beside {@code --out} and renames it into place on success. */
        <T> T writeAtomically(Function<Path, T> write) {
            return writeFolderAtomically(out, force, write);
        }
    }

    /** Runs {@code write} into a fresh temporary folder beside {@code out} and renames it into place on success. */
    static <T> T writeFolderAtomically(Path out, boolean force, Function<Path, T> write) {
        Path target = out.toAbsolutePath();
        if (Files.exists(target) && !force && !isEmptyDirectory(target)) {
            throw new UqaException(target + ": already exists and is not empty (choose another --out, or --force)");
        }
        return AtomicFiles.writeFolder(target, write::apply);
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Import a click log into the release layout.",
            subcommands = {RecBole.class, Csv.class})
    static final class Import implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "recbole", mixinStandardHelpOptions = true,
            description = "Import RecBole atomic files (NAME.inter, optional NAME.item and NAME.user).")
    static final class RecBole implements Runnable {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", description = "folder with the atomic files")
        Path directory;
        @Option(names = "--dataset", description = "file stem NAME (default: the folder name, or the only .inter file)")
        String dataset;
        @Option(names = "--user-field", defaultValue = "user_id", description = "default ${DEFAULT-VALUE}")
        String userField;
        @Option(names = "--item-field", defaultValue = "item_id", description = "default ${DEFAULT-VALUE}")
        String itemField;
        @Option(names = "--time-field", defaultValue = "timestamp",
                description = "default ${DEFAULT-VALUE}; without it, file order is time order")
        String timeField;
        @Option(names = "--rating-field", defaultValue = "rating", description = "default ${DEFAULT-VALUE}")
        String ratingField;
        @Option(names = "--min-rating", description = "keep interactions rated at least this")
        Double minRating;
        @Option(names = "--map", description = "FEATURE=FIELD: map an item field to category, brand, shop, seller or title "
                + "(e.g. --map category=genre --map title=movie_title)")
        Map<String, String> map = new LinkedHashMap<>();
        @Option(names = "--mapping", description = "YAML/JSON file of FEATURE: FIELD (flags override it)")
        Path mappingFile;
        @Mixin
        NounOptions nouns;
        @Mixin
        SplitOptions split;
        @Mixin
        OutputOptions output;

        @Override
        public void run() {
            Map<String, String> mapping = new LinkedHashMap<>();
            if (mappingFile != null) {
                mapping.putAll(RecBoleImporter.readMapping(mappingFile));
            }
            mapping.putAll(map);
            RecBoleOptions options = new RecBoleOptions(directory, dataset, userField, itemField, timeField, ratingField,
                    minRating, mapping, output.skipBadRows);
            DatasetInfo.Split how = split.split();
            nouns.validate();
            InteractionLog[] log = new InteractionLog[1];
            DatasetInfo info = output.writeAtomically(dir -> {
                RecBoleImporter importer = new RecBoleImporter(options);
                log[0] = importer.read();
                nouns.apply(log[0]);
                return log[0].write(dir, importer.source(), how);
            });
            report(spec, info, log[0], output.out);
        }
    }

    @Command(name = "csv", mixinStandardHelpOptions = true,
            description = "Import a CSV/TSV interactions file (user, item, timestamp) and an optional items file.")
    static final class Csv implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--interactions", required = true, description = "interactions file")
        Path interactions;
        @Option(names = "--items", description = "items file: item id -> category, brand, shop, seller, title")
        Path items;
        @Option(names = "--delimiter", description = "field separator (default: tab, or comma for .csv files)")
        String delimiter;
        @Option(names = "--user-col", defaultValue = "user", description = "default ${DEFAULT-VALUE}")
        String userColumn;
        @Option(names = "--item-col", defaultValue = "item", description = "default ${DEFAULT-VALUE}")
        String itemColumn;
        @Option(names = "--time-col", defaultValue = "timestamp", description = "numbers or ISO-8601; default ${DEFAULT-VALUE}")
        String timeColumn;
        @Option(names = "--item-id-col", defaultValue = "item", description = "item column of the items file; default ${DEFAULT-VALUE}")
        String itemIdColumn;
        @Option(names = "--category-col", description = "default: a column named category, if any")
        String categoryColumn;
        @Option(names = "--brand-col", description = "default: a column named brand, if any")
        String brandColumn;
        @Option(names = "--shop-col", description = "default: a column named shop, if any")
        String shopColumn;
        @Option(names = "--seller-col", description = "default: a column named seller, if any")
        String sellerColumn;
        @Option(names = "--title-col", description = "default: a column named title, if any")
        String titleColumn;
        @Option(names = "--rating-col", description = "rating/score column of the interactions (default: a column named rating, if any)")
        String ratingColumn;
        @Option(names = "--min-rating", description = "keep interactions rated at least this")
        Double minRating;
        @Mixin
        NounOptions nouns;
        @Mixin
        SplitOptions split;
        @Mixin
        OutputOptions output;

        @Override
        public void run() {
            char separator = 0;
            if (delimiter != null) {
                String d = delimiter.equals("\\t") || delimiter.equalsIgnoreCase("tab") ? "\t" : delimiter;
                if (d.length() != 1) {
                    throw new UqaException("--delimiter: expected one character (or \\t), got '" + delimiter + "'");
                }
                separator = d.charAt(0);
            }
            CsvImportOptions options;
            try {
                options = new CsvImportOptions(interactions, items, separator, userColumn, itemColumn, timeColumn,
                        itemIdColumn, categoryColumn, brandColumn, shopColumn, sellerColumn, titleColumn, output.skipBadRows,
                        ratingColumn, minRating);
            } catch (IllegalArgumentException e) {
                throw new UqaException(e.getMessage(), e);
            }
            DatasetInfo.Split how = split.split();
            nouns.validate();
            InteractionLog[] log = new InteractionLog[1];
            DatasetInfo info = output.writeAtomically(dir -> {
                log[0] = new CsvImporter(options).read();
                nouns.apply(log[0]);
                return log[0].write(dir, "csv:" + interactions.getFileName(), how);
            });
            report(spec, info, log[0], output.out);
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Users, items, events, sequence lengths, max id per feature vs table size, questions per sub-task.")
    static final class Stats implements Runnable {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "DIR", description = "release-layout folder")
        Path directory;
        @Option(names = "--feature-tokenizer", description = "folder with the tokenizer.json that made the token ids")
        Path featureTokenizer;
        @Option(names = "--json", description = "print JSON instead of tables")
        boolean json;
        @Option(names = "--json-out", description = "also write the JSON to this file")
        Path jsonOut;
        @Option(names = "--skip-bad-rows", description = "skip rows that fail validation (counted per file)")
        boolean skipBadRows;

        @Override
        public void run() {
            ReleaseFolder folder = ReleaseFolder.open(directory, featureTokenizer, skipBadRows);
            // both pretrain files make a release-layout folder; a run, qa or log folder is refused, not half-described
            for (String required : java.util.List.of(ReleaseLayout.PRETRAIN_TRAIN, ReleaseLayout.PRETRAIN_EVAL)) {
                if (!Files.isRegularFile(directory.resolve(required))) {
                    throw new UqaException(directory.resolve(required) + ": file not found (a release-layout folder holds "
                            + ReleaseLayout.PRETRAIN_TRAIN + " and " + ReleaseLayout.PRETRAIN_EVAL + ")");
                }
            }
            DataStats stats = DataStats.compute(folder, question -> ReferenceRules.classify(question).code());
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? stats.toJson() + "\n" : stats.toTable());
            out.flush();
            warn(spec, folder.info());
            if (jsonOut != null) {
                try {
                    AtomicFiles.writeString(jsonOut, stats.toJson() + "\n");
                } catch (java.io.UncheckedIOException e) {
                    throw new UqaException("--json-out: cannot write " + jsonOut + ": " + e.getCause(), e);
                }
            }
            // ids beyond their tables would index past an embedding table in every later stage: a bad input
            java.util.List<String> outOfRange = stats.outOfRange();
            if (!outOfRange.isEmpty()) {
                throw new UqaException(directory + ": ids out of their tables in " + String.join(", ", outOfRange)
                        + " (see OUT OF RANGE above)");
            }
        }
    }

    @Command(name = "synth-log", mixinStandardHelpOptions = true,
            description = "Write a skewed, real-like ratings log (Zipf popularity, three dominant genres, tied timestamps,"
                    + " ratings 1-5) as RecBole atomic files or CSV, to test the importers and questions against.")
    static final class SynthLog implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--users", defaultValue = "900", description = "default ${DEFAULT-VALUE}")
        int users;
        @Option(names = "--items", defaultValue = "1600", description = "films; default ${DEFAULT-VALUE}")
        int items;
        @Option(names = "--seed", defaultValue = "42", description = "default ${DEFAULT-VALUE}")
        long seed;
        @Option(names = {"-o", "--out"}, required = true, description = "output folder (RecBole files are named after it)")
        Path out;
        @Option(names = "--format", defaultValue = "recbole", description = "recbole or csv; default ${DEFAULT-VALUE}")
        String format;
        @Option(names = "--force", description = "replace an existing output folder")
        boolean force;

        @Override
        public void run() {
            SkewedLogConfig.Format chosen = switch (format.toLowerCase(java.util.Locale.ROOT)) {
                case "recbole" -> SkewedLogConfig.Format.RECBOLE;
                case "csv" -> SkewedLogConfig.Format.CSV;
                default -> throw new UqaException("--format: expected recbole or csv, got '" + format + "'");
            };
            SkewedLogConfig config;
            try {
                config = SkewedLogConfig.of(users, items, seed, chosen);
            } catch (ConfigException e) {
                // the config's keys for the flags are the flags themselves
                throw new UqaException(e.key() + ": " + e.problem(), e);
            }
            String name = out.toAbsolutePath().normalize().getFileName().toString();
            SkewedLogGenerator.Log log = writeFolderAtomically(out, force, dir -> new SkewedLogGenerator(config).write(dir, name));
            PrintWriter printer = spec.commandLine().getOut();
            printer.println("wrote " + out + ": " + SkewedLogGenerator.summary(log));
            printer.println(chosen == SkewedLogConfig.Format.RECBOLE
                    ? "import: uqabench data import recbole " + out + " -o DIR   (class -> genre, movie_title -> film)"
                    : "import: uqabench data import csv --interactions " + out.resolve("interactions.csv") + " --items "
                    + out.resolve("items.csv") + " -o DIR --noun item=film --noun category=genre");
            printer.flush();
        }
    }

    /** The dataset's warnings on stderr, one line each. */
    private static void warn(CommandSpec spec, DatasetInfo info) {
        PrintWriter err = spec.commandLine().getErr();
        for (String warning : info.warningList()) {
            err.println("warning: " + warning);
        }
        err.flush();
    }

    private static void report(CommandSpec spec, DatasetInfo info, InteractionLog log, Path directory) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("wrote %s: %d users (%d train, %d held out), %d items, %d events%n", directory,
                info.counts().users(), info.counts().trainUsers(), info.counts().evalUsers(), info.counts().items(),
                info.counts().events());
        out.println(log.skipped().summary());
        if (!info.nounMap().isEmpty()) {
            out.println("nouns: " + info.nounMap());
        }
        out.flush();
        warn(spec, info);
    }

    private static boolean isEmptyDirectory(Path path) {
        try (Stream<Path> listing = Files.list(path)) {
            return listing.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
