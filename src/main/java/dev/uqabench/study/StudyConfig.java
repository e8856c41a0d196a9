package dev.uqabench.study;

import dev.uqabench.run.RunConfig;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.encoder.FeatureSet;
import dev.uqabench.eval.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A study: one base run (data, questions, LLM, default pretraining and alignment) and the axes
 * to vary. {@link Design#ONE_AT_A_TIME} varies one axis at a time around the first value of each
 * list (the paper's tables); {@link Design#FULL} takes the full product. A ladder adds a scaling
 * curve: one encoder at several presets.
 *
 * @param metric the accuracy the findings, best-variant picks and summary charts use: "All tasks",
 *               a task group ("Interest perception", ...) or a sub-task code ("li", ...); every
 *               accuracy is still reported in the tables and in study.csv
 * @param seeds  optional pretraining/alignment seeds: the whole matrix runs on the first; the main comparisons
 *               (none, text baselines, the default embedding variant, its shuffled-user control and
 *               the learned prompt) run on every one, and a finding holds only if it holds on each.
 *               Data, questions and the LLM are shared (they come from {@code base.seed}).
 */
public record StudyConfig(RunConfig base, Design design, List<String> encoders, String preset,
                          List<String> adapters, List<String> modes, List<String> features,
                          List<Integer> textBaselines, Ladder ladder, String metric, List<Integer> seeds) {

    public enum Design {
        @JsonProperty("one_at_a_time") ONE_AT_A_TIME,
        @JsonProperty("full") FULL
    }

    /** The scaling rungs: one encoder at presets of increasing size. */
    public record Ladder(String encoder, List<String> presets) {
        public Ladder {
            EncoderRegistry.kind(encoder);
            if (presets == null || presets.size() < 2) {
                throw new IllegalArgumentException("a ladder needs at least 2 presets, got " + presets);
            }
            presets.forEach(p -> EncoderRegistry.kind(encoder).preset(p));
            presets = List.copyOf(presets);
        }
    }

    /** One embedding variant of the study. */
    public record Cell(String encoder, String preset, FeatureSet features, AlignConfig.AdapterKind adapter,
                       AlignConfig.Mode mode) {

        /** e.g. {@code sasrec-meanpool}, with suffixes for whatever differs from the study's defaults. */
        public String name(Cell defaults) {
            StringBuilder sb = new StringBuilder(encoder).append('-').append(adapter.name().toLowerCase(Locale.ROOT));
            if (!preset.equals(defaults.preset)) {
                sb.append('-').append(preset);
            }
            if (features != defaults.features) {
                sb.append('-').append(features.name().toLowerCase(Locale.ROOT).replace("_", ""));
            }
            if (mode != defaults.mode) {
                sb.append("-tuned");
            }
            return sb.toString();
        }

        /** Folder key of the pretraining this cell needs (shared by cells that differ only in alignment). */
        public String pretrainKey() {
            return encoder + "-" + preset + "-" + features.name().toLowerCase(Locale.ROOT);
        }

        public String alignKey() {
            return pretrainKey() + "-" + adapter.name().toLowerCase(Locale.ROOT) + "-" + mode.name().toLowerCase(Locale.ROOT);
        }
    }

    public StudyConfig {
        if (base == null) {
            throw new IllegalArgumentException("base is required");
        }
        if (design == null) {
            throw new IllegalArgumentException("design must be one_at_a_time or full");
        }
        require(encoders, "encoders");
        require(adapters, "adapters");
        require(modes, "modes");
        require(features, "features");
        if (textBaselines == null || textBaselines.stream().anyMatch(n -> n == null || n <= 0)) {
            throw new IllegalArgumentException("textBaselines must be a list of positive event counts");
        }
        if (!Metrics.KEYS.contains(metric)) {
            throw new IllegalArgumentException("unknown metric '" + metric + "' (known: " + String.join(", ", Metrics.KEYS) + ")");
        }
        seeds = seeds == null ? null : RunConfig.validSeeds(seeds, "seeds");
        if (seeds != null && base.seeds() != null && !base.seeds().equals(seeds)) {
            throw new IllegalArgumentException("seeds " + seeds + " and base.seeds " + base.seeds()
                    + " disagree: set the top-level seeds only");
        }
        encoders.forEach(e -> EncoderRegistry.kind(e).preset(preset));
        adapters.forEach(StudyConfig::adapter);
        modes.forEach(StudyConfig::mode);
        features.forEach(StudyConfig::featureSet);
        encoders = List.copyOf(encoders);
        adapters = List.copyOf(adapters);
        modes = List.copyOf(modes);
        features = List.copyOf(features);
        textBaselines = List.copyOf(textBaselines);
    }

    /** The base run with the study's seeds (the first one makes the whole matrix). */
    public RunConfig run() {
        return seeds == null ? base : base.withSeeds(seeds);
    }

    public Cell defaults() {
        return new Cell(encoders.get(0), preset, featureSet(features.get(0)), adapter(adapters.get(0)), mode(modes.get(0)));
    }

    /** Every embedding cell the study evaluates, defaults first, without repeats. */
    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        Cell d = defaults();
        if (design == Design.FULL) {
            for (String e : encoders) {
                for (String a : adapters) {
                    for (String m : modes) {
                        for (String f : features) {
                            add(cells, new Cell(e, preset, featureSet(f), adapter(a), mode(m)));
                        }
                    }
                }
            }
        } else {
            add(cells, d);
            encoders.forEach(e -> add(cells, new Cell(e, preset, d.features(), d.adapter(), d.mode())));
            adapters.forEach(a -> add(cells, new Cell(d.encoder(), preset, d.features(), adapter(a), d.mode())));
            modes.forEach(m -> add(cells, new Cell(d.encoder(), preset, d.features(), d.adapter(), mode(m))));
            features.forEach(f -> add(cells, new Cell(d.encoder(), preset, featureSet(f), d.adapter(), d.mode())));
        }
        if (ladder != null) {
            ladder.presets().forEach(p -> add(cells, new Cell(ladder.encoder(), p, d.features(), d.adapter(), d.mode())));
        }
        return cells;
    }

    private static void add(List<Cell> cells, Cell cell) {
        if (!cells.contains(cell)) {
            cells.add(cell);
        }
    }

    static AlignConfig.AdapterKind adapter(String name) {
        return switch (name) {
            case "meanpool" -> AlignConfig.AdapterKind.MEANPOOL;
            case "qformer" -> AlignConfig.AdapterKind.QFORMER;
            default -> throw new IllegalArgumentException("unknown adapter '" + name + "' (known: meanpool, qformer)");
        };
    }

    static AlignConfig.Mode mode(String name) {
        return switch (name) {
            case "adapter_only" -> AlignConfig.Mode.ADAPTER_ONLY;
            case "adapter_and_encoder" -> AlignConfig.Mode.ADAPTER_AND_ENCODER;
            default -> throw new IllegalArgumentException("unknown alignment mode '" + name
                    + "' (known: adapter_only, adapter_and_encoder)");
        };
    }

    static FeatureSet featureSet(String name) {
        return switch (name) {
            case "ids" -> FeatureSet.ID_ONLY;
            case "side" -> FeatureSet.SIDE_INFO;
            case "text" -> FeatureSet.TEXT;
            default -> throw new IllegalArgumentException("unknown feature set '" + name + "' (known: ids, side, text)");
        };
    }

    private static void require(List<String> values, String key) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(key + " must list at least one value");
        }
    }

    public static StudyConfig quick() {
        RunConfig base = RunConfig.quickstart();
        return new StudyConfig(base, Design.ONE_AT_A_TIME, List.of("sasrec", "gru4rec", "hstu", "trmplus", "mamba"),
                "quickstart", List.of("meanpool", "qformer"), List.of("adapter_only"), List.of("text", "side", "ids"),
                List.of(5, 10, 20, 50), new Ladder("sasrec", List.of("tiny", "quickstart", "ladder-xs")), Metrics.ALL,
                null);
    }
}
