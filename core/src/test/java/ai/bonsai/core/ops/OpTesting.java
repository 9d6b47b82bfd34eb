package ai.bonsai.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.graph.DefaultNode;
import ai.bonsai.core.graph.DefaultNodeEditor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Helpers shared by the op type tests: graph building, direct forward calls, comparisons. */
final class OpTesting {

    /** Tolerance of forward numerics. */
    static final double TOL = 1e-5;

    private OpTesting() {
    }

    /** A forward context over a caller-owned manager. */
    record Context(boolean training, NDManager manager) implements ForwardContext {
    }

    /**
     * Returns a fresh builder over the classpath op types.
     *
     * @return the builder
     */
    static GraphBuilder builder() {
        return PluginHost.classpathOnly().newGraphBuilder("test", 7);
    }

    /**
     * Builds a builder's graph.
     *
     * @param b the builder
     * @return the graph, to close
     */
    static DefaultGraph build(GraphBuilder b) {
        return (DefaultGraph) b.build();
    }

    /**
     * Runs one node's forward directly.
     *
     * @param node the node
     * @param training training mode
     * @param inputs the inputs
     * @return the first output
     */
    static NDArray forward(Node node, boolean training, NDArray... inputs) {
        NDManager m = inputs[0].getManager();
        return node.op().forward(node, new NDList(inputs), new Context(training, m)).head();
    }

    /**
     * Replaces a parameter's data.
     *
     * @param g the graph
     * @param node the node name
     * @param param the parameter's local name
     * @param data the values
     * @param shape their shape
     */
    static void set(DefaultGraph g, String node, String param, float[] data, Shape shape) {
        ((DefaultNode) g.node(node)).defaultParameter(param).replace(g.manager().create(data, shape));
    }

    /**
     * Returns an editor over a node.
     *
     * @param g the graph
     * @param node the node name
     * @return the editor
     */
    static NodeEditor editor(Graph g, String node) {
        return new DefaultNodeEditor(g.node(node));
    }

    /**
     * Asserts an array's shape and values within {@link #TOL}.
     *
     * @param actual the array
     * @param shape the expected shape
     * @param expected the expected values, row-major
     */
    static void assertValues(NDArray actual, Shape shape, float... expected) {
        assertThat(actual.getShape()).isEqualTo(shape);
        float[] got = actual.toFloatArray();
        assertThat(got).hasSize(expected.length);
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).as("element %d", i).isCloseTo(expected[i], within(TOL));
        }
    }

    /**
     * Creates {@code 0, 1, ..., n-1} as float32 of a shape, in a manager.
     *
     * @param m the manager
     * @param shape the shape
     * @return the array
     */
    static NDArray arange(NDManager m, Shape shape) {
        return m.arange((float) shape.size()).reshape(shape);
    }
}
