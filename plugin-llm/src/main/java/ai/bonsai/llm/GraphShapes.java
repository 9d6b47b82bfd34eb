package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.model.ModelFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a decoder graph's current sizes back into an {@link LlmConfig}: after pruning, the heads,
 * head size, rotary pairs, MLP width, hidden size, layer count and bias flags are those of the nodes, the rest
 * comes from the config the graph was read from (its {@value DecoderGraph#META_CONFIG} metadata).
 */
public final class GraphShapes {

    private GraphShapes() {
    }

    /**
     * Returns the config that describes a graph built by {@link DecoderGraph}.
     *
     * @param g the graph
     * @return the config
     * @throws ModelFormatException if the graph was not built from a Hugging Face config, or its
     *     layers disagree on bias flags
     */
    public static LlmConfig of(Graph g) {
        String json = g.metadata().get(DecoderGraph.META_CONFIG);
        if (json == null) {
            throw new ModelFormatException("graph '" + g.name() + "' has no '" + DecoderGraph.META_CONFIG
                    + "' metadata: it was not read from a Hugging Face decoder folder");
        }
        LlmConfig source = ConfigReader.parse(json, Path.of(g.name(), HfFolder.CONFIG));
        Set<String> names = g.nodes().stream().map(Node::name).collect(Collectors.toSet());
        List<LayerShape> layers = new ArrayList<>();
        for (int i = 0; names.contains(TensorLayout.layer(i) + "self_attn.attention"); i++) {
            String p = TensorLayout.layer(i);
            Node attention = g.node(p + "self_attn.attention");
            int heads = attention.attributes().getInt("num_heads");
            long qRows = g.node(p + "self_attn.q_proj").parameter("weight").shape().get(0);
            layers.add(new LayerShape(heads, attention.attributes().getInt("num_kv_heads"),
                    Math.toIntExact(qRows / heads),
                    Math.toIntExact(g.node(p + "mlp.gate_proj").parameter("weight").shape().get(0)),
                    RopePairs.from(g.node(p + "self_attn.q_rotary").attributes())));
        }
        int hidden = Math.toIntExact(g.node("model.embed_tokens.weight").parameter("").shape().get(1));
        return source.withShapes(hidden, layers).withBiases(
                bias(g, layers.size(), "self_attn.q_proj"), bias(g, layers.size(), "self_attn.o_proj"),
                bias(g, layers.size(), "mlp.gate_proj"));
    }

    private static boolean bias(Graph g, int layers, String node) {
        boolean first = layers > 0 && g.node(TensorLayout.layer(0) + node).hasParameter("bias");
        for (int i = 1; i < layers; i++) {
            if (g.node(TensorLayout.layer(i) + node).hasParameter("bias") != first) {
                throw new ModelFormatException("graph '" + g.name() + "': '" + TensorLayout.layer(i) + node
                        + "' and layer 0 disagree on having a bias");
            }
        }
        return first;
    }
}
