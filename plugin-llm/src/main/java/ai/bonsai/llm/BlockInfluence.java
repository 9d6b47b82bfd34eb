package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ShortGPT's block influence of each decoder layer: {@code 1 − cos(x_in, x_out)} between the
 * hidden states entering and leaving the layer, per token, averaged over every token of the
 * calibration ids. A layer that barely changes its input scores near 0 and is the first to go.
 *
 * <p>The hidden state entering layer i is the input of its {@code input_layernorm}; the one
 * leaving it is the input of the next layer's {@code input_layernorm}, or of {@code model.norm}
 * after the last layer.
 */
public final class BlockInfluence {

    private BlockInfluence() {
    }

    /**
     * Scores every layer.
     *
     * @param g a graph built by {@link DecoderGraph}
     * @param pass runs the graph with an observer
     * @param ids calibration token ids [B, T], in batches
     * @return one influence per layer, in layer order
     */
    public static double[] of(Graph g, ForwardPass pass, List<NDArray> ids) {
        int layers = GraphShapes.of(g).layers().size();
        Map<String, Integer> boundaries = new HashMap<>();
        for (int i = 0; i <= layers; i++) {
            boundaries.put(i < layers ? TensorLayout.layer(i) + "input_layernorm" : "model.norm", i);
        }
        double[] sums = new double[layers];
        long[] tokens = new long[1];
        for (NDArray batch : ids) {
            NDArray[] previous = new NDArray[1];
            NDList out = pass.run(new NDList(batch), (Node node, NDList in) -> {
                Integer i = boundaries.get(node.name());
                if (i == null) {
                    return;
                }
                NDArray x = in.get(0);
                if (previous[0] != null) {
                    try (NDArray cos = cosine(previous[0], x)) {
                        sums[i - 1] += cos.sum().getDouble();
                    }
                    previous[0].close();
                }
                previous[0] = i < layers ? x.duplicate() : null;
                if (i == 0) {
                    tokens[0] += x.getShape().size() / x.getShape().get(x.getShape().dimension() - 1);
                }
            });
            out.close();
        }
        double[] influence = new double[layers];
        for (int i = 0; i < layers; i++) {
            influence[i] = 1 - sums[i] / tokens[0];
        }
        return influence;
    }

    /** Cosine similarity of a and b along the last dimension, in float64. */
    private static NDArray cosine(NDArray a, NDArray b) {
        NDArray x = a.toType(DataType.FLOAT64, false);
        NDArray y = b.toType(DataType.FLOAT64, false);
        NDArray dot = x.mul(y).sum(new int[] {-1});
        NDArray norms = x.norm(new int[] {-1}).mul(y.norm(new int[] {-1}));
        return dot.div(norms.maximum(1e-12));
    }
}
