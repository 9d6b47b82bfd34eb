package ai.bonsai.transformers;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.pruner.PruningConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder family's pruning modes as a {@link PruningConfig} for the host's pruner: each mode
 * has its own ratio (0 leaves it off), every other group is left alone (default ratio 0), and the
 * classifier's outputs are ignored.
 *
 * <ul>
 *   <li>{@code heads}: whole attention heads, {@code ceil(heads × count)} per layer (local) or
 *       ranked over all layers (global); {@code num_attention_heads} drops, the head size stays.
 *       Each layer's q, k, v and output projection form one DepGraph group through core's
 *       {@code attention} op, declared with the layer's head count.</li>
 *   <li>{@code headDims}: the same dimensions removed from every head of a layer (q, k, v and the
 *       output projection's inputs alike); the attention scale stays the original one.</li>
 *   <li>{@code mlp}: channels of each layer's {@code intermediate.dense} (and the matching inputs of
 *       {@code output.dense}).</li>
 *   <li>{@code hidden}: the residual stream everywhere at once (embeddings, every LayerNorm, every
 *       projection's inputs or outputs on the stream, class/distillation tokens, position
 *       embeddings) and, for BERT, the pooler's width, so that one hidden size remains.</li>
 * </ul>
 *
 * <p>Groups of modes that are off are ignored (not even scored). Local ranking gives every layer's group its own scope (the node name as pattern); global
 * ranking gives each mode one scope over all layers. Per-layer ratios can be set on the returned
 * builder with {@link PruningConfig.Builder#optRatio(String, double)} on the names of {@link
 * EncoderNames} before building.
 *
 * <pre>{@code
 * PruningConfig config = new EncoderPruning(0.25, 0, 0.3, 0, false).configure(graph, criterion).build();
 * pruner.start(graph, config).step();
 * }</pre>
 *
 * @param heads the fraction of heads to remove
 * @param headDims the fraction of each head's dimensions to remove
 * @param mlp the fraction of MLP channels to remove
 * @param hidden the fraction of the hidden size to remove
 * @param global rank each mode's channels over all layers instead of layer by layer
 */
public record EncoderPruning(double heads, double headDims, double mlp, double hidden, boolean global) {

    /**
     * Checks the ratios.
     *
     * @throws IllegalArgumentException if a ratio is outside [0, 1)
     */
    public EncoderPruning {
        for (double r : List.of(heads, headDims, mlp, hidden)) {
            if (!(r >= 0 && r < 1)) {
                throw new IllegalArgumentException("pruning ratios must be in [0, 1), found " + r);
            }
        }
    }

    /**
     * The family default: uniform heads and MLP at one ratio, local ranking.
     *
     * @param ratio the ratio of heads and of MLP channels
     * @return the modes
     */
    public static EncoderPruning familyDefault(double ratio) {
        return new EncoderPruning(ratio, 0, ratio, 0, false);
    }

    /**
     * Returns a pruner configuration for a graph this plugin built.
     *
     * @param graph the graph (its current head counts are declared)
     * @param importance the criterion
     * @return a builder with the modes set; callers may add settings before building
     * @throws ai.bonsai.api.model.ModelFormatException if the plugin did not build the graph
     */
    public PruningConfig.Builder configure(Graph graph, ImportanceCriterion importance) {
        EncoderConfig config = EncoderFolder.configOf(graph);
        EncoderNames names = config.names();
        PruningConfig.Builder b = PruningConfig.builder().setImportance(importance).optRatio(0)
                .optGlobalPruning(global).optPruneNumHeads(heads > 0).optPruneHeadDims(headDims > 0)
                .optHeadRatio(heads);
        int layers = config.layers().size();
        b.optIgnoredLayers(ignored(config, names, layers));
        for (int i = 0; i < layers; i++) {
            Node attention = graph.node(names.selfAttention(i));
            int count = attention.attributes().getInt("num_heads");
            for (String p : List.of("query", "key", "value")) {
                b.optNumHeads(names.projection(i, p), count);
            }
        }
        ratio(b, headDims, layers, i -> names.projection(i, "query"));
        ratio(b, mlp, layers, names::intermediate);
        if (hidden > 0) {
            b.optRatio(names.hiddenRoot(), hidden);
            if (!config.family().vision()) {
                b.optRatio(names.pooler(), hidden);
            }
        }
        return b;
    }

    /**
     * The classifier, and a node of every group whose mode is off, so that the pruner does not
     * score groups it will not prune.
     */
    private List<String> ignored(EncoderConfig config, EncoderNames names, int layers) {
        List<String> ignored = new ArrayList<>();
        if (config.classifier()) {
            ignored.add(names.classifier());
        }
        for (int i = 0; i < layers; i++) {
            if (heads == 0 && headDims == 0) {
                ignored.add(names.projection(i, "query"));
            }
            if (mlp == 0) {
                ignored.add(names.intermediate(i));
            }
        }
        if (hidden == 0) {
            ignored.add(names.hiddenRoot());
            if (!config.family().vision()) {
                ignored.add(names.pooler());
            }
        }
        return ignored;
    }

    private void ratio(PruningConfig.Builder b, double ratio, int layers, java.util.function.IntFunction<String> name) {
        if (ratio <= 0) {
            return;
        }
        if (global) {
            String first = name.apply(0);
            String layer0 = first.substring(0, first.indexOf(".0.") + 1);
            b.optRatio(layer0 + "*" + first.substring(layer0.length() + 1), ratio);
            return;
        }
        for (int i = 0; i < layers; i++) {
            b.optRatio(name.apply(i), ratio);
        }
    }
}
