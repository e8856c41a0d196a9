/**
 * The frozen LLM of UQABench: Hugging Face Qwen2/Llama checkpoints run exactly on libtorch.
 *
 * <ul>
 *   <li>{@link dev.uqabench.llm.HfFolder} loads a folder (config, single or sharded safetensors, tokenizer,
 *       chat template, stop ids) into a {@link dev.uqabench.llm.LoadedModel}, and saves a model trained from
 *       scratch in the same layout.</li>
 *   <li>{@link dev.uqabench.llm.Decoder} is the forward pass over {@link dev.uqabench.llm.DecoderWeights}
 *       (loaded once) with a {@link dev.uqabench.llm.KvCache} as its state; it takes embeddings, so
 *       {@link dev.uqabench.llm.SoftPrompt} can splice user embeddings in at the start or at a placeholder
 *       token; gradients reach them while every weight is frozen.</li>
 *   <li>{@link dev.uqabench.llm.TinyLlmCorpus} and {@link dev.uqabench.llm.TinyLlmTrainer} make the
 *       quickstart's tiny LLM; {@link dev.uqabench.llm.LlmHandle} is how a run's stages share the LLM.</li>
 *   <li>{@link dev.uqabench.llm.Generation} decodes with a KV cache (greedy or top-p sampling);
 *       {@link dev.uqabench.llm.OptionScorer} reads multiple-choice answers.</li>
 * </ul>
 */
package dev.uqabench.llm;
