package ai.bonsai.core.testing;

import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.graph.DefaultNode;
import ai.djl.ndarray.types.Shape;

/** Sets hand-picked parameter values in a graph, for closed-form tests. */
public final class Weights {

    private Weights() {
    }

    /**
     * Replaces a node's parameter.
     *
     * @param g the graph
     * @param node the node name
     * @param param the parameter's local name, such as {@code weight}
     * @param data the values, row-major
     * @param shape their shape
     */
    public static void set(DefaultGraph g, String node, String param, float[] data, Shape shape) {
        ((DefaultNode) g.node(node)).defaultParameter(param).replace(g.manager().create(data, shape));
    }
}
