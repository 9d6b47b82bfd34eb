package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.io.WeightLoader;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;

/** The PyTorch fixtures copied from the shared folder: weights, seeded input, PyTorch's output. */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * Loads a fixture's weights into a graph by name.
     *
     * @param g the graph
     * @param fixture the fixture name, such as {@code tiny_resnet}
     */
    public static void loadWeights(Graph g, String fixture) {
        WeightLoader.load(g, Resources.path("fixtures/" + fixture + ".safetensors"));
    }

    /**
     * Runs a graph on a fixture's input and compares with PyTorch's output.
     *
     * @param g the graph, with the fixture's weights
     * @param fixture the fixture name
     * @return the largest absolute difference (infinite if the shapes differ)
     */
    public static float maxAbsDiffToPyTorch(Graph g, String fixture) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = new GraphExecutor(g).forward(new NDList(input(fixture, m))).head();
            NDArray expected = Safetensors.read(
                    Resources.path("fixtures/" + fixture + ".output.safetensors"), m).get("output");
            return out.getShape().equals(expected.getShape())
                    ? out.sub(expected).abs().max().getFloat() : Float.POSITIVE_INFINITY;
        }
    }

    /**
     * Reads a fixture's seeded input.
     *
     * @param fixture the fixture name
     * @param m the manager that owns the array
     * @return the input
     */
    public static NDArray input(String fixture, NDManager m) {
        return Safetensors.read(Resources.path("fixtures/" + fixture + ".input.safetensors"), m).get("input");
    }

    /**
     * Converts a JSON array of integers.
     *
     * @param arr the array
     * @return its values
     */
    public static long[] longs(JsonNode arr) {
        long[] l = new long[arr.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = arr.get(i).asLong();
        }
        return l;
    }
}
