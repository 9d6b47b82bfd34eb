package ai.bonsai.core.io;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Matches the tensors of a safetensors file to a graph's inputs by name, for {@code bonsai run}
 * and calibration data. A tensor may hold several batches: its first dimension is then a multiple
 * of the graph input's, and it is cut into batches of the graph's size.
 */
public final class NamedInputs {

    private NamedInputs() {
    }

    /**
     * Returns the batches the tensors hold, in the graph's input order.
     *
     * @param graph the graph
     * @param tensors the tensors by name
     * @param file the file they come from, for errors
     * @return one {@link NDList} per batch, at least one
     * @throws ModelFormatException listing missing, unexpected and misshaped tensors
     */
    public static List<NDList> batches(Graph graph, Map<String, NDArray> tensors, Path file) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        long count = -1;
        for (Value v : graph.inputs()) {
            NDArray a = tensors.get(v.name());
            unexpected.remove(v.name());
            if (a == null) {
                problems.add("missing input '" + v.name() + "' " + v.shape());
                continue;
            }
            long n = batchesOf(a.getShape(), v.shape());
            if (n < 1 || (count > 0 && n != count)) {
                problems.add("input '" + v.name() + "' is " + a.getShape() + ", the model expects "
                        + v.shape() + (count > 0 ? " (" + count + " batches)" : "")
                        + " or a multiple of its first dimension");
            } else {
                count = n;
            }
        }
        unexpected.forEach(u -> problems.add("unexpected tensor '" + u + "'"));
        if (!problems.isEmpty()) {
            throw new ModelFormatException("'" + file + "' does not fit the model: "
                    + String.join("; ", problems));
        }
        List<NDList> batches = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            NDList batch = new NDList();
            for (Value v : graph.inputs()) {
                long size = v.shape().get(0);
                NDArray a = tensors.get(v.name());
                batch.add(count == 1 ? a : a.get(b * size + ":" + (b + 1) * size));
            }
            batches.add(batch);
        }
        return batches;
    }

    private static long batchesOf(Shape actual, Shape expected) {
        if (actual.dimension() != expected.dimension() || expected.dimension() == 0
                || !actual.slice(1).equals(expected.slice(1)) || expected.get(0) <= 0
                || actual.get(0) % expected.get(0) != 0) {
            return -1;
        }
        return actual.get(0) / expected.get(0);
    }
}
