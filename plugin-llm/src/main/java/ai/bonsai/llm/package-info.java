/**
 * Decoder-only LLM family (Llama, Mistral, Qwen2 style) for Bonsai: a model adapter over Hugging
 * Face {@code config.json} + safetensors checkpoints and the pruning of heads, GQA groups, MLP
 * width, hidden size and depth. {@link ai.bonsai.llm.LlmPlugin} is the PF4J entry point.
 */
package ai.bonsai.llm;
