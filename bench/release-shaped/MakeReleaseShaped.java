import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.uqabench.data.Catalog;
import dev.uqabench.data.CatalogItem;
import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns a synthetic data folder made with the release's catalogue sizes into a release-shaped folder: the
 * release's file names only (no dataset.json, no catalog, no word-level tokenizer), the five text features
 * re-encoded with a real Qwen tokenizer.json, so that ids lie in the release's tables (994,447 items,
 * 151,936 tokens) and `--feature-tokenizer QWEN_DIR` decodes them.
 *
 * <p>java -cp 'target/uqabench.jar:target/lib/*' bench/release-shaped/MakeReleaseShaped.java SYNTH_DIR QWEN_TOKENIZER_JSON OUT_DIR
 */
public class MakeReleaseShaped {
    public static void main(String[] args) throws Exception {
        Path synth = Path.of(args[0]);
        Path tokenizerFile = Path.of(args[1]);
        Path out = Path.of(args[2]);
        Files.createDirectories(out);
        Catalog catalog = Catalog.read(synth.resolve(Catalog.FILE_NAME));
        Map<String, long[]> cache = new HashMap<>();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile,
                Map.of("addSpecialTokens", "false"))) {
            for (String name : List.of(ReleaseLayout.PRETRAIN_TRAIN, ReleaseLayout.PRETRAIN_EVAL, ReleaseLayout.FUTURE)) {
                ReleaseReader in = ReleaseReader.open(synth.resolve(name));
                long events = 0;
                try (ReleaseWriter writer = ReleaseWriter.create(out.resolve(name), false, ReleaseWriter.DEFAULT_BATCH_ROWS)) {
                    for (Iterator<List<UserSequence>> it = in.batches(256); it.hasNext(); ) {
                        for (UserSequence user : it.next()) {
                            List<Event> recoded = new ArrayList<>(user.length());
                            for (Event e : user.events()) {
                                CatalogItem item = catalog.item(e.item()).orElseThrow();
                                long[][] tokens = new long[Event.TEXT_FEATURES.length][];
                                for (int t = 0; t < tokens.length; t++) {
                                    tokens[t] = cache.computeIfAbsent(item.text(Event.TEXT_FEATURES[t]),
                                            text -> tokenizer.encode(text).getIds());
                                }
                                recoded.add(new Event(e.item(), e.category(), e.brand(), e.shop(), e.seller(), tokens));
                                events++;
                            }
                            writer.write(new UserSequence(user.user(), recoded));
                        }
                    }
                    writer.commit();
                }
                System.out.println(name + ": " + in.rows() + " users, " + events + " events");
            }
        }
    }
}
