package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The second GQA-aware head mode: query heads removed evenly inside every key/value group, every
 * key/value head kept, so {@code num_attention_heads} drops and {@code num_key_value_heads}
 * stays. DepGraph cannot express this (one query channel pulls its key/value channel, which pulls
 * the whole group), so the graph is rebuilt: q_proj loses the rows of the removed heads (and
 * their bias entries), o_proj the matching columns. A head scores the squared L2 norm of its
 * q_proj rows and o_proj columns; each group loses its {@code round(ratio × group size)} lowest.
 * The result computes what the original computes with the removed heads' o_proj columns zeroed.
 */
public final class QueryHeadPruning {

    /**
     * The rebuilt graph and the query heads removed from each layer.
     *
     * @param graph the new graph
     * @param removed per layer, the removed query heads (original numbering), ascending
     */
    public record Result(Graph graph, List<int[]> removed) {
    }

    private QueryHeadPruning() {
    }

    /**
     * Removes query heads evenly inside every group of every layer.
     *
     * @param g a graph built by {@link DecoderGraph} (unchanged; close it yourself)
     * @param ratio the fraction of each group's query heads to remove
     * @param b a fresh builder
     * @return the new graph and the removed heads
     * @throws ConfigException if the ratio would remove no head or every head of a group
     */
    public static Result prune(Graph g, double ratio, GraphBuilder b) {
        return prune(g, ratio, 0, GraphShapes.of(g).layers().size(), b);
    }

    /**
     * Removes query heads evenly inside every group of the layers in a range; the other layers
     * keep their heads (the result then has per-layer head counts).
     *
     * @param g a graph built by {@link DecoderGraph} (unchanged; close it yourself)
     * @param ratio the fraction of each group's query heads to remove
     * @param firstLayer the first layer pruned
     * @param lastLayer one past the last layer pruned
     * @param b a fresh builder
     * @return the new graph and the removed heads (none outside the range)
     * @throws ConfigException if the ratio would remove no head or every head of a group
     */
    public static Result prune(Graph g, double ratio, int firstLayer, int lastLayer, GraphBuilder b) {
        LlmConfig config = GraphShapes.of(g);
        List<int[]> removed = new ArrayList<>();
        List<LayerShape> shapes = new ArrayList<>();
        for (int i = 0; i < config.layers().size(); i++) {
            LayerShape l = config.layers().get(i);
            if (i < firstLayer || i >= lastLayer) {
                removed.add(new int[0]);
                shapes.add(l);
                continue;
            }
            int perGroup = (int) Math.round(ratio * l.groupSize());
            if (perGroup < 1 || perGroup >= l.groupSize()) {
                throw new ConfigException("pruner.head_ratio", ratio + " removes " + perGroup + " of the "
                        + l.groupSize() + " query heads of each group in layer " + i + "; must be 1 to "
                        + (l.groupSize() - 1));
            }
            removed.add(choose(g, TensorLayout.layer(i), l, perGroup));
            shapes.add(l.withHeads(l.numHeads() - perGroup * l.numKvHeads(), l.numKvHeads()));
        }
        Graph pruned = GraphCopy.of(g, config.withShapes(config.hiddenSize(), shapes), name -> name,
                (name, source) -> derive(name, source, config, removed), b);
        return new Result(pruned, removed);
    }

    private static int[] choose(Graph g, String p, LayerShape l, int perGroup) {
        int d = l.headDim();
        float[] q = rowNorms(g.parameters().get(p + "self_attn.q_proj.weight").array());
        float[] o = rowNorms(g.parameters().get(p + "self_attn.o_proj.weight").array().transpose());
        double[] score = new double[l.numHeads()];
        for (int h = 0; h < l.numHeads(); h++) {
            for (int c = h * d; c < (h + 1) * d; c++) {
                score[h] += q[c] + o[c];
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int group = 0; group < l.numKvHeads(); group++) {
            int first = group * l.groupSize();
            IntStream.range(first, first + l.groupSize()).boxed()
                    .sorted((a, c) -> Double.compare(score[a], score[c]))
                    .limit(perGroup).forEach(out::add);
        }
        return out.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Squared L2 norm of each row. */
    private static float[] rowNorms(NDArray w) {
        try (NDArray n = w.square().sum(new int[] {1})) {
            return n.toFloatArray();
        }
    }

    private static NDArray derive(String name, NDArray source, LlmConfig config, List<int[]> removed) {
        if (!name.startsWith("model.layers.")) {
            return source.duplicate();
        }
        int layer = Integer.parseInt(name.substring("model.layers.".length(), name.indexOf('.', "model.layers.".length())));
        int d = config.layers().get(layer).headDim();
        int heads = config.layers().get(layer).numHeads();
        long[] kept = IntStream.range(0, heads * d)
                .filter(c -> Arrays.binarySearch(removed.get(layer), c / d) < 0).asLongStream().toArray();
        String p = TensorLayout.layer(layer);
        try (NDArray idx = source.getManager().create(kept)) {
            if (name.equals(p + "self_attn.q_proj.weight") || name.equals(p + "self_attn.q_proj.bias")) {
                return source.get(new NDIndex("{}", idx));
            }
            if (name.equals(p + "self_attn.o_proj.weight")) {
                return source.get(new NDIndex(":, {}", idx));
            }
        }
        return source.duplicate();
    }
}
