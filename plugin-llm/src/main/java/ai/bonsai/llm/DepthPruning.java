package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Removes whole decoder layers: the graph is rebuilt without them, later layers renumbered so
 * that tensor names stay contiguous ({@code model.layers.0 … N−k−1}), every kept tensor copied
 * from the source graph.
 *
 * <pre>{@code
 * double[] bi = BlockInfluence.of(g, pass, calibration);
 * Graph shorter = DepthPruning.remove(g, DepthPruning.lowest(bi, 1), host.newGraphBuilder("short", 0));
 * }</pre>
 */
public final class DepthPruning {

    private DepthPruning() {
    }

    /**
     * Returns the layers with the lowest scores.
     *
     * @param scores one score per layer (block influence)
     * @param count how many layers to remove
     * @return their indices, ascending
     * @throws ConfigException if count would leave no layer
     */
    public static int[] lowest(double[] scores, int count) {
        if (count < 0 || count >= scores.length) {
            throw new ConfigException("pruner.remove_layers", "can remove 0 to " + (scores.length - 1)
                    + " of " + scores.length + " layers, asked for " + count);
        }
        return IntStream.range(0, scores.length).boxed()
                .sorted((a, b) -> Double.compare(scores[a], scores[b]))
                .limit(count).mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * Builds the graph without some layers.
     *
     * @param g a graph built by {@link DecoderGraph} (left unchanged; close it yourself)
     * @param removed the layers to remove
     * @param b a fresh builder for the new graph
     * @return the new graph, with the source's metadata
     * @throws ConfigException if a layer is out of range or none would remain
     */
    public static Graph remove(Graph g, int[] removed, GraphBuilder b) {
        LlmConfig config = GraphShapes.of(g);
        int layers = config.layers().size();
        for (int r : removed) {
            if (r < 0 || r >= layers) {
                throw new ConfigException("pruner.layers", "layer " + r + " is out of range [0, " + layers + ")");
            }
        }
        int[] kept = IntStream.range(0, layers).filter(i -> Arrays.stream(removed).noneMatch(r -> r == i)).toArray();
        if (kept.length == 0) {
            throw new ConfigException("pruner.layers", "removing " + Arrays.toString(removed) + " leaves no layer");
        }
        List<LayerShape> shapes = new ArrayList<>();
        for (int k : kept) {
            shapes.add(config.layers().get(k));
        }
        return GraphCopy.of(g, config.withShapes(config.hiddenSize(), shapes),
                name -> sourceName(name, kept), b);
    }

    private static String sourceName(String name, int[] kept) {
        String prefix = "model.layers.";
        if (!name.startsWith(prefix)) {
            return name;
        }
        int dot = name.indexOf('.', prefix.length());
        int layer = Integer.parseInt(name.substring(prefix.length(), dot));
        return prefix + kept[layer] + name.substring(dot);
    }
}
