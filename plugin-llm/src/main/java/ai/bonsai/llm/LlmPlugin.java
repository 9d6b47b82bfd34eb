package ai.bonsai.llm;

import org.pf4j.Plugin;

/**
 * The LLM plugin's entry point, named by the jar manifest's {@code Plugin-Class}.
 *
 * <p>The plugin contributes a decoder-only model adapter and model format for Llama, Mistral,
 * Qwen2 and Qwen3 models read from a Hugging Face {@code config.json} and safetensors weights,
 * with the op types that pruning them needs (GQA-aware heads come from core's {@code attention}
 * op). It holds no state: PF4J finds the plugin's extensions through its extension index.
 */
public class LlmPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public LlmPlugin() {
    }
}
