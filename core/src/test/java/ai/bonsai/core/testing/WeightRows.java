package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Graph;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recovers which output channels of a layer survived pruning, by matching each pruned weight row
 * with the original row it comes from.
 */
public final class WeightRows {

    private WeightRows() {
    }

    /**
     * Snapshots the output-channel rows of the named layers' weights.
     *
     * @param g the graph
     * @param layers a JSON object whose field names are layer names
     * @return the rows of each layer
     */
    public static Map<String, float[][]> snapshot(Graph g, JsonNode layers) {
        Map<String, float[][]> m = new HashMap<>();
        layers.fieldNames().forEachRemaining(name -> m.put(name, rowsOf(g, name)));
        return m;
    }

    /**
     * Returns the output-channel rows of a layer's weight, flattened.
     *
     * @param g the graph
     * @param layer the layer name
     * @return one row per output channel
     */
    public static float[][] rowsOf(Graph g, String layer) {
        NDArray w = g.node(layer).parameter("weight").array();
        int rows = (int) w.getShape().get(0);
        float[] flat = w.toFloatArray();
        int cols = flat.length / rows;
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return out;
    }

    /**
     * Finds the original row a pruned row comes from: pruning input channels removes entries, so
     * the pruned row is a subsequence of its original.
     *
     * @param original the rows before pruning
     * @param row a row after pruning
     * @return the index of the first original row containing it, or -1
     */
    public static int originalRow(float[][] original, float[] row) {
        for (int r = 0; r < original.length; r++) {
            int j = 0;
            for (int i = 0; i < original[r].length && j < row.length; i++) {
                if (original[r][i] == row[j]) {
                    j++;
                }
            }
            if (j == row.length) {
                return r;
            }
        }
        return -1;
    }

    /**
     * Returns the original index of every output channel a layer kept.
     *
     * @param original the layer's rows before pruning
     * @param g the pruned graph
     * @param layer the layer name
     * @return the kept channels' original indices, in their current order
     */
    public static List<Integer> kept(float[][] original, Graph g, String layer) {
        List<Integer> kept = new ArrayList<>();
        for (float[] row : rowsOf(g, layer)) {
            kept.add(originalRow(original, row));
        }
        return kept;
    }
}
