package dev.uqabench.data.arrow;

import dev.uqabench.data.Catalog;
import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.base.UqaException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A folder in the release layout: the published UQABench release (four Arrow files, no
 * {@code dataset.json}) or one we generated or imported. The pipeline stages read their inputs
 * through it, so the real release and ours take one path.
 *
 * <p>Without {@code dataset.json} the folder is taken to be the UQABench release: table sizes of
 * the reference configuration, token ids made by the tokenizer given with
 * {@code --feature-tokenizer} (Qwen2), which decoding text then requires.
 */
public final class ReleaseFolder {

    private final Path directory;
    private final DatasetInfo info;
    private final Path featureTokenizer;
    private final ReadOptions options;

    private ReleaseFolder(Path directory, DatasetInfo info, Path featureTokenizer, ReadOptions options) {
        this.directory = directory;
        this.info = info;
        this.featureTokenizer = featureTokenizer;
        this.options = options;
    }

    /**
     * Opens {@code directory}.
     *
     * @param featureTokenizer folder (or file) of the {@code tokenizer.json} that made the token ids; null:
     *                         {@code DIR/tokenizer.json}
     * @param skipBadRows      skip bad rows instead of failing
     */
    public static ReleaseFolder open(Path directory, Path featureTokenizer, boolean skipBadRows) {
        if (!Files.isDirectory(directory)) {
            throw new UqaException(directory + ": data folder not found");
        }
        Optional<DatasetInfo> recorded = DatasetInfo.readIfPresent(directory);
        Path tokenizer = featureTokenizer != null ? tokenizerFile(featureTokenizer) : directory.resolve(ReleaseLayout.TOKENIZER_JSON);
        if (featureTokenizer != null && !Files.isRegularFile(tokenizer)) {
            throw new UqaException("--feature-tokenizer: no tokenizer.json at " + tokenizer);
        }
        DatasetInfo info;
        if (recorded.isPresent()) {
            info = recorded.get();
            String recordedHash = info.tokenizer().sha256();
            if (featureTokenizer == null && recordedHash != null && Files.isRegularFile(tokenizer)
                    && !recordedHash.equals(DatasetInfo.sha256(tokenizer))) {
                throw new UqaException(tokenizer + ": not the tokenizer recorded in dataset.json (sha256 differs); "
                        + "the token ids would decode to the wrong text");
            }
        } else if (featureTokenizer != null) {
            info = DatasetInfo.uqabenchRelease(DatasetInfo.TokenizerInfo.of("feature-tokenizer", tokenizer, tokenizer.toString()));
        } else {
            // the release without its tokenizer: sequences can be read, text cannot be decoded
            info = DatasetInfo.uqabenchRelease(new DatasetInfo.TokenizerInfo("unknown", null, null));
        }
        ReadOptions options = new ReadOptions(skipBadRows, info.tableSizesByTable());
        return new ReleaseFolder(directory, info, tokenizer, options);
    }

    private static Path tokenizerFile(Path fileOrDirectory) {
        return Files.isDirectory(fileOrDirectory) ? fileOrDirectory.resolve(ReleaseLayout.TOKENIZER_JSON) : fileOrDirectory;
    }

    public Path directory() {
        return directory;
    }

    /** {@code dataset.json}, or the release's own sizes with the given feature tokenizer. */
    public DatasetInfo info() {
        return info;
    }

    public ReadOptions options() {
        return options;
    }

    /** The {@code tokenizer.json} that decodes the token ids. */
    public Path featureTokenizer() {
        return featureTokenizer;
    }

    /** Event text decoded with the feature tokenizer (close it when done). */
    public TokenizerEventText eventText() {
        if (!Files.isRegularFile(featureTokenizer)) {
            throw new UqaException(directory + ": token ids cannot be decoded without the tokenizer that made them: "
                    + "pass --feature-tokenizer DIR (for the UQABench release, a folder with the Qwen2 tokenizer.json)");
        }
        return TokenizerEventText.open(featureTokenizer);
    }

    public ReleaseReader pretrainTrain() {
        return reader(ReleaseLayout.PRETRAIN_TRAIN);
    }

    public ReleaseReader pretrainEval() {
        return reader(ReleaseLayout.PRETRAIN_EVAL);
    }

    /** Align files exist in the release; ours get them from the qa stage. */
    public Optional<ReleaseReader> alignTrain() {
        return optionalReader(ReleaseLayout.ALIGN_TRAIN);
    }

    public Optional<ReleaseReader> alignEval() {
        return optionalReader(ReleaseLayout.ALIGN_EVAL);
    }

    /** Future events per user (generated and imported data; the release has none). */
    public Optional<ReleaseReader> future() {
        return optionalReader(ReleaseLayout.FUTURE);
    }

    /** The item catalog (generated and imported data; the release has none). */
    public Optional<Catalog> catalog() {
        Path file = directory.resolve(Catalog.FILE_NAME);
        return Files.isRegularFile(file) ? Optional.of(Catalog.read(file)) : Optional.empty();
    }

    /** A release file of this folder, required; the error names the file. */
    public ReleaseReader reader(String name) {
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new UqaException(file + ": file not found (expected the UQABench release layout: "
                    + ReleaseLayout.PRETRAIN_TRAIN + ", " + ReleaseLayout.PRETRAIN_EVAL + ", ...)");
        }
        return ReleaseReader.open(file, options);
    }

    /**
     * Reads every sequence file of the folder once, checking each id against its table: the first bad row fails
     * naming the file, row and column. For folders no stage of ours reads with these checks (a release with its
     * own questions).
     */
    public void checkIds() {
        for (String name : List.of(ReleaseLayout.PRETRAIN_TRAIN, ReleaseLayout.PRETRAIN_EVAL, ReleaseLayout.ALIGN_TRAIN,
                ReleaseLayout.ALIGN_EVAL, ReleaseLayout.FUTURE)) {
            if (Files.isRegularFile(directory.resolve(name))) {
                try (ReleasePass pass = reader(name).rows(ReleaseWriter.DEFAULT_BATCH_ROWS)) {
                    while (pass.hasNext()) {
                        pass.next();
                    }
                }
            }
        }
    }

    private Optional<ReleaseReader> optionalReader(String name) {
        return Files.isRegularFile(directory.resolve(name)) ? Optional.of(reader(name)) : Optional.empty();
    }
}
