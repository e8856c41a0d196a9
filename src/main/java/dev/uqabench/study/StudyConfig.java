package dev.uqabench.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.base.ConfigException;
import dev.uqabench.base.UqaException;
import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.run.RunConfig;
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
 * @param base          the run config every cell starts from (the quickstart's keys)
 * @param design        `one_at_a_time`: vary one axis around the first value of each list; `full`: every combination
 * @param encoders      user encoders to compare (first: the default)
 * @param preset        encoder size preset of the cells
 * @param adapters      adapters to compare (first: the default)
 * @param modes         alignment modes to compare (first: the default)
 * @param features      feature sets to compare: text, side, ids (first: the default)
 * @param textBaselines N of the textN baselines
 * @param ladder        the scaling rungs: one encoder at presets of increasing size
 * @param metric the accuracy the findings, best-variant picks and summary charts use: "All tasks",
 *               a task group ("Interest perception", ...) or a sub-task code ("li", ...); every
 *               accuracy is still reported in the tables and in study.csv
 * @param seeds  optional pretraining/alignment seeds: the whole matrix runs on the first; the main comparisons
 *               (none, text baselines, the default embedding variant, its shuffled-user control and
 *               the learned prompt) run on every one, and a finding holds only if it holds on each.
 *               Data, questions and the LLM are shared (they come from {@code base.seed}).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StudyConfig(RunConfig base, Design design, List<String> encoders, String preset,
                          List<String> adapters, List<String> modes, List<String> features,
                          List<Integer> textBaselines, Ladder ladder, String metric, List<Integer> seeds) {

    public enum Design {
        @JsonProperty("one_at_a_time") ONE_AT_A_TIME,
        @JsonProperty("full") FULL
    }

    /**
     * The scaling rungs: one encoder at presets of increasing size.
     *
     * @param encoder the encoder of the ladder
     * @param presets its size presets, smallest first
     */
    public record Ladder(String encoder, List<String> presets) {
        public Ladder {
            EncoderKind<?> kind = known("ladder", "encoder", () -> EncoderRegistry.kind(encoder));
            ConfigException.require(presets != null && presets.size() >= 2, "ladder", "presets",
                    "a ladder needs at least 2 presets, got " + presets);
            presets.forEach(p -> known("ladder", "presets", () -> kind.preset(p)));
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

    private static final String WHERE = "study config";

    public StudyConfig {
        require(base != null, "base", "is required");
        require(design != null, "design", "must be one_at_a_time or full");
        require(encoders, "encoders");
        require(adapters, "adapters");
        require(modes, "modes");
        require(features, "features");
        ConfigException.require(textBaselines != null && textBaselines.stream().allMatch(n -> n != null && n > 0), WHERE,
                "text_baselines", "must be a list of positive event counts, got " + textBaselines);
        ConfigException.require(Metrics.KEYS.contains(metric), WHERE, "metric",
                "unknown metric '" + metric + "' (known: " + String.join(", ", Metrics.KEYS) + ")");
        seeds = seeds == null ? null : RunConfig.validSeeds(seeds, WHERE, "seeds");
        ConfigException.require(seeds == null || base.seeds() == null || base.seeds().equals(seeds), WHERE, "seeds",
                seeds + " and base.seeds " + (base.seeds()) + " disagree: set the top-level seeds only");
        for (String e : encoders) {
            EncoderKind<?> kind = known(WHERE, "encoders", () -> EncoderRegistry.kind(e));   // an unknown encoder
            known(WHERE, "preset", () -> kind.preset(preset));                           // a preset it lacks
        }
        adapters.forEach(StudyConfig::adapter);
        modes.forEach(StudyConfig::mode);
        features.forEach(StudyConfig::featureSet);
        encoders = List.copyOf(encoders);
        adapters = List.copyOf(adapters);
        modes = List.copyOf(modes);
        features = List.copyOf(features);
        textBaselines = List.copyOf(textBaselines);
    }

    /** An encoder or preset from the registry, an unknown name reported as an invalid value at {@code key}. */
    private static <T> T known(String where, String key, java.util.function.Supplier<T> lookup) {
        try {
            return lookup.get();
        } catch (UqaException e) {
            throw new ConfigException(where, key, e.getMessage(), e);
        }
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
            default -> throw new ConfigException(WHERE, "adapters", "unknown adapter '" + name + "' (known: meanpool, qformer)");
        };
    }

    static AlignConfig.Mode mode(String name) {
        return switch (name) {
            case "adapter_only" -> AlignConfig.Mode.ADAPTER_ONLY;
            case "adapter_and_encoder" -> AlignConfig.Mode.ADAPTER_AND_ENCODER;
            default -> throw new ConfigException(WHERE, "modes", "unknown alignment mode '" + name
                    + "' (known: adapter_only, adapter_and_encoder)");
        };
    }

    static FeatureSet featureSet(String name) {
        return switch (name) {
            case "ids" -> FeatureSet.ID_ONLY;
            case "side" -> FeatureSet.SIDE_INFO;
            case "text" -> FeatureSet.TEXT;
            default -> throw new ConfigException(WHERE, "features", "unknown feature set '" + name + "' (known: ids, side, text)");
        };
    }

    private static void require(List<String> values, String key) {
        ConfigException.require(values != null && !values.isEmpty(), WHERE, key, "must list at least one value");
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, WHERE, key, problem);
    }

    public static StudyConfig quick() {
        RunConfig base = RunConfig.quickstart();
        return new StudyConfig(base, Design.ONE_AT_A_TIME, List.of("sasrec", "gru4rec", "hstu", "trmplus", "mamba"),
                "quickstart", List.of("meanpool", "qformer"), List.of("adapter_only"), List.of("text", "side", "ids"),
                List.of(5, 10, 20, 50), new Ladder("sasrec", List.of("tiny", "quickstart", "ladder-xs")), Metrics.ALL,
                null);
    }
}
