package ai.bonsai.transformers;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * The widths of an encoder graph as it is now (after pruning), measured on its nodes.
 *
 * @param hidden the hidden size
 * @param layers each layer's heads, head size, MLP width and attention scale
 */
record PrunedWidths(int hidden, List<LayerSpec> layers) {

    /**
     * Copies the layers.
     */
    PrunedWidths {
        layers = List.copyOf(layers);
    }

    /**
     * Measures a graph built by {@link EncoderGraph}.
     *
     * @param graph the graph
     * @param config the config it was built from (for its names and layer count)
     * @return the widths
     */
    static PrunedWidths of(Graph graph, EncoderConfig config) {
        EncoderNames names = config.names();
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < config.layers().size(); i++) {
            Node attention = graph.node(names.selfAttention(i));
            int heads = attention.attributes().getInt("num_heads");
            long width = rows(graph, names.projection(i, "query"));
            layers.add(new LayerSpec(heads, Math.toIntExact(width / heads),
                    Math.toIntExact(rows(graph, names.intermediate(i))), attention.attributes().getDouble("scale")));
        }
        return new PrunedWidths(Math.toIntExact(rows(graph, names.attentionOutput(0))), layers);
    }

    private static long rows(Graph graph, String linear) {
        return graph.node(linear).parameter("weight").shape().get(0);
    }
}
