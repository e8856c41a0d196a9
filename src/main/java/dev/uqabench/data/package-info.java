/**
 * The data stage: user click sequences in the UQABench release layout, and the ways to get them.
 *
 * <ul>
 *   <li>{@link dev.uqabench.data.arrow} reads and writes the layout (Arrow IPC files of ten
 *       {@code list<list<int64>>} features per user or question); {@code ReleaseFolder} opens a
 *       folder, the published release or ours, and is what later stages read through.</li>
 *   <li>{@link dev.uqabench.data.synthetic} generates a Taobao-like data set;
 *       {@link dev.uqabench.data.recbole} and {@link dev.uqabench.data.csv} import click logs
 *       through {@link dev.uqabench.data.InteractionLog}, which splits every user's sequence in time.</li>
 *   <li>{@link dev.uqabench.data.text} builds the word-level tokenizer whose ids our data carry,
 *       and decodes token ids back to names and titles ({@code TokenizerEventText}), the same way
 *       the release's Qwen2 ids are decoded.</li>
 * </ul>
 *
 * Every folder written here holds {@code dataset.json} ({@link dev.uqabench.data.DatasetInfo}):
 * source, table sizes, the tokenizer that made the token ids, counts and the split. Ids start at
 * 1; 0 is the padding/unknown row of every table.
 */
package dev.uqabench.data;
