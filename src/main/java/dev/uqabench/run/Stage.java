package dev.uqabench.run;

import java.nio.file.Path;

/**
 * One stage of a run: a typed input to a typed output, written into {@code folder} through the
 * {@link StageRunner}, or reused from it when its manifest says the same stage already ran there on
 * the same inputs. The stage's domain work lives in its own package; a stage only wires files,
 * configuration and progress to it.
 *
 * @param <I> what the stage reads: upstream folders, its configuration and seed
 * @param <O> what later stages read from it
 */
public interface Stage<I, O> {

    O run(Path folder, I input);
}
