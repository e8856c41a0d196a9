package dev.uqabench.llm;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The frozen LLM of a run as its stages see it: the folder that identifies it (what a stage declares
 * as its {@code llm} input: the built-in LLM's stage folder, whose manifest is hashed, or a Hugging
 * Face checkpoint folder) and the model itself, loaded from that folder on first use and then shared.
 * Reused stages never load it.
 */
public final class LlmHandle {

    /** The folder inside the built-in LLM's stage folder that holds its Hugging Face checkpoint. */
    public static final String BUILT_IN_MODEL = "model";

    private final Path folder;
    private final Supplier<LoadedModel> load;
    private LoadedModel model;

    private LlmHandle(Path folder, Supplier<LoadedModel> load) {
        this.folder = folder;
        this.load = load;
    }

    /** The tiny LLM trained by a run's llm stage into {@code stageFolder}, in float32. */
    public static LlmHandle builtIn(Path stageFolder) {
        return new LlmHandle(stageFolder, () -> frozen(HfFolder.load(builtInModel(stageFolder), ComputeType.FP32)));
    }

    /** A Hugging Face checkpoint folder, computed in {@code computeType}. */
    public static LlmHandle external(Path checkpointFolder, ComputeType computeType) {
        return new LlmHandle(checkpointFolder, () -> frozen(HfFolder.load(checkpointFolder, computeType)));
    }

    /** The checkpoint folder inside a built-in LLM's stage folder. */
    public static Path builtInModel(Path stageFolder) {
        return stageFolder.resolve(BUILT_IN_MODEL);
    }

    /** The folder that identifies the LLM (a stage's {@code llm} input). */
    public Path folder() {
        return folder;
    }

    /** The model, frozen; loaded on the first call. */
    public synchronized LoadedModel model() {
        if (model == null) {
            model = load.get();
        }
        return model;
    }

    private static LoadedModel frozen(LoadedModel loaded) {
        loaded.decoder().freeze();
        return loaded;
    }
}
