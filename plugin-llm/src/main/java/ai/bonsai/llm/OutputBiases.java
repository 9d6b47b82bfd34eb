package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;

/**
 * Gives a decoder graph zero biases on {@code o_proj} and the MLP projections (and on q/k/v for
 * Llama and Qwen3, whose {@code attention_bias} covers all four), so that FLAP's bias compensation
 * has somewhere to write the pruned channels' mean contribution. The model computes exactly what
 * it computed before. Llama's result stays a standard checkpoint ({@code attention_bias}, {@code
 * mlp_bias}); for model types whose config cannot express these biases the writer records them
 * under {@code bonsai.biases}.
 */
public final class OutputBiases {

    private OutputBiases() {
    }

    /**
     * Rebuilds a graph with the biases.
     *
     * @param g a graph built by {@link DecoderGraph} (unchanged; close it yourself)
     * @param b a fresh builder
     * @return the graph with biases
     */
    public static Graph add(Graph g, GraphBuilder b) {
        LlmConfig c = GraphShapes.of(g);
        boolean qkv = c.qkvBias() || c.modelType().equals("llama") || c.modelType().equals("qwen3");
        return GraphCopy.of(g, c.withBiases(qkv, true, true), name -> name, b);
    }
}
