package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.OpType;

/**
 * Base of the 2-D poolings over NCHW inputs: channels pass through along dimension 1; MACs are
 * the input elements, as Torch-Pruning counts pooling modules (adaptive ones included).
 */
abstract class Pool2dOp implements OpType {

    private final String name;

    /**
     * Creates the op type.
     *
     * @param name the registry name
     */
    Pool2dOp(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final ChannelSemantics channels(Node node) {
        return ChannelSemantics.passThrough(1, Math.toIntExact(node.input().shape().get(1)));
    }

    @Override
    public final long macs(Node node) {
        return node.input().shape().size();
    }
}
