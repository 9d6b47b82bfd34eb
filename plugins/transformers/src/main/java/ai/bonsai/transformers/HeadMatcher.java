package ai.bonsai.transformers;

import ai.bonsai.api.graph.Graph;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds which original heads a layer kept, by comparing its query projection with the original
 * one head by head (pruning removes heads and keeps the others' rows, in order), so that the
 * export can list the removed heads in {@code pruned_heads} by their original numbers.
 */
final class HeadMatcher {

    private HeadMatcher() {
    }

    /**
     * Returns the original numbers of the heads a layer kept.
     *
     * @param graph the pruned graph
     * @param original the original tensors
     * @param query the query projection's name
     * @param originalHeads the original head count of the layer
     * @param headSize the head size (unchanged)
     * @return the kept heads' original positions in the original tensor, ascending, or empty if
     *     some head matches none
     */
    static Optional<List<Integer>> keptHeads(Graph graph, Map<String, NDArray> original, String query,
            int originalHeads, int headSize) {
        NDArray before = original.get(query + ".weight");
        NDArray after = graph.node(query).parameter("weight").array();
        if (before == null || before.getShape().get(1) != after.getShape().get(1)) {
            return Optional.empty();
        }
        int kept = Math.toIntExact(after.getShape().get(0) / headSize);
        int block = Math.toIntExact(headSize * after.getShape().get(1));
        float[] a = after.toFloatArray();
        float[] b = before.toFloatArray();
        List<Integer> heads = new ArrayList<>();
        int j = 0;
        for (int k = 0; k < kept; k++) {
            int from = k * block;
            while (j < originalHeads
                    && !Arrays.equals(a, from, from + block, b, j * block, (j + 1) * block)) {
                j++;
            }
            if (j == originalHeads) {
                return Optional.empty();
            }
            heads.add(j++);
        }
        return Optional.of(heads);
    }
}
