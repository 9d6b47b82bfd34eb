package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.pruner.PruningConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Declares the heads of every {@code attention} node of a graph to the pruner, on the layers that
 * project its queries, keys and values: the pruner then removes the same dimensions from every
 * head (or whole heads, with {@code pruneNumHeads}), which is what a multi-head attention
 * accepts. Without it, a group through a multi-head attention is refused, and its channels stay.
 * One-head attentions (diffusers' {@code attention_head_dim: null}) need nothing.
 *
 * <pre>{@code
 * PruningConfig.Builder b = PruningConfig.builder().setImportance(criterion).optRatio(0.3);
 * AttentionHeads.declare(b, unet);
 * }</pre>
 */
public final class AttentionHeads {

    private AttentionHeads() {
    }

    /**
     * Declares the heads.
     *
     * @param builder the config being built
     * @param graph the graph, before pruning
     * @return the heads declared, by projection layer name
     */
    public static Map<String, Integer> declare(PruningConfig.Builder builder, Graph graph) {
        Map<String, Integer> declared = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if (!n.op().name().equals("attention")) {
                continue;
            }
            int heads = n.attributes().getInt("num_heads");
            if (heads < 2) {
                continue;
            }
            for (Value v : n.inputs().subList(0, Math.min(3, n.inputs().size()))) {
                v.producer().filter(p -> p.op().name().equals("linear"))
                        .ifPresent(p -> declared.put(p.name(), heads));
            }
        }
        declared.forEach(builder::optNumHeads);
        return declared;
    }
}
