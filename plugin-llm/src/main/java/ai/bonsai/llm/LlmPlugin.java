package ai.bonsai.llm;

import org.pf4j.Plugin;

/**
 * The LLM plugin's entry point, named by the jar manifest's {@code Plugin-Class}.
 *
 * <p>The plugin will contribute a decoder-only model adapter for Llama, Mistral and Qwen2 style
 * models read from a Hugging Face {@code config.json} and safetensors weights, with the op types
 * and index mappings that pruning them needs: attention heads, grouped-query (GQA) key/value
 * groups, MLP width, hidden size and whole decoder layers (depth). It holds no state: PF4J finds
 * the plugin's extensions through its extension index.
 */
public class LlmPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public LlmPlugin() {
    }
}
