/**
 * Decoder-only LLMs (Llama, Mistral, Qwen2, Qwen3) for Bonsai: Hugging Face folders read into a
 * graph ({@link ai.bonsai.llm.HfDecoderAdapter}, {@link ai.bonsai.llm.HfDecoderFormat}) with lazy,
 * file-backed lazy weights; the op types these models need ({@code llm.rms_norm}, {@code
 * llm.head_rms_norm}, {@code llm.rotary}, {@code llm.embedding}, {@code llm.tied_lm_head}, {@code
 * llm.sliding_window_mask}); width pruning plans for DepGraph ({@link ai.bonsai.llm.WidthPlan}:
 * GQA-aware heads, MLP channels, hidden size), depth pruning ({@link ai.bonsai.llm.BlockInfluence},
 * {@link ai.bonsai.llm.DepthPruning}); and export back to Hugging Face folders ({@link
 * ai.bonsai.llm.HfWriter}). {@link ai.bonsai.llm.LlmPlugin} is the PF4J entry point. See {@code
 * docs/llm.md}.
 */
package ai.bonsai.llm;
