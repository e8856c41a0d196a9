/**
 * The training kit that pre-training, alignment and the tiny LLM share: the loop mechanics they
 * used to write three times. Each trainer keeps its data order, forward pass and loss; from here it
 * takes
 * <ul>
 *   <li>{@link dev.uqabench.train.WarmupSchedule}: linear warm-up, then cosine decay to a floor
 *       (or the peak throughout), parameterised per trainer so each keeps its curve to the bit;</li>
 *   <li>{@link dev.uqabench.train.TrainingRun}: the divergence guard on loss and gradient norm
 *       ({@link dev.uqabench.train.DivergenceGuard}), global-norm clipping
 *       ({@link dev.uqabench.train.GradientClip}) and the progress events;</li>
 *   <li>{@link dev.uqabench.train.TrainingListener}: the one listener type, with
 *       {@link dev.uqabench.train.StepEvent} and {@link dev.uqabench.train.EpochEvent} (after DJL's
 *       {@code TrainingListener}: logging and progress are listeners, not branches in the loop);</li>
 *   <li>{@link dev.uqabench.train.LazyAdamW}: AdamW with lazy row updates for large embedding tables
 *       (pre-training; alignment and the tiny LLM use libtorch's AdamW).</li>
 * </ul>
 * Checkpoint folders are written whole through {@link dev.uqabench.base.AtomicFiles#writeFolder};
 * only pre-training checkpoints and resumes, so the rest of checkpointing stays in {@code pretrain}.
 *
 * <p>This package imports only {@code base}, {@code tensor} and {@code nn} ({@code KitDependenciesTest}).
 */
package dev.uqabench.train;
