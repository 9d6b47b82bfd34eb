package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Base of the element-wise activations. MACs follow Torch-Pruning's counter, which counts the
 * output elements of ReLU, ReLU6, GELU (and PReLU, ELU, LeakyReLU) modules and treats every other
 * activation (SiLU, sigmoid, tanh, hardswish) as a zero-op.
 */
abstract class ActivationOp extends UnaryOp {

    private final boolean counted;

    /**
     * Creates the op type.
     *
     * @param name the registry name
     * @param counted whether Torch-Pruning's counter counts its output elements as MACs
     */
    ActivationOp(String name, boolean counted) {
        super(name);
        this.counted = counted;
    }

    /**
     * Applies the activation, differentiably.
     *
     * @param x the input
     * @return the activated array
     */
    abstract NDArray apply(NDArray x, ForwardContext context);

    @Override
    public final NDList forward(Node node, NDList inputs, ForwardContext context) {
        return new NDList(apply(inputs.head(), context));
    }

    @Override
    public final long macs(Node node) {
        return counted ? node.output().shape().size() : 0;
    }
}
