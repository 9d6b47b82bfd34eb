package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Base of the single-input op types whose output has the input's shape and channels
 * (activations, dropout, identity): channels pass through along the input's channel dimension.
 */
abstract class UnaryOp implements OpType {

    private final String name;

    /**
     * Creates the op type.
     *
     * @param name the registry name
     */
    UnaryOp(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        return List.of(Shapes.requireInputs(in, 1).get(0));
    }

    @Override
    public final ChannelSemantics channels(Node node) {
        return Channels.alongInput(node);
    }
}
