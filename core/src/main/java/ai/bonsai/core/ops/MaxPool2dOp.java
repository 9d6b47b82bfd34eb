package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.pf4j.Extension;

/**
 * {@code max_pool2d}: 2-D max pooling over NCHW, as PyTorch's {@code nn.MaxPool2d} with dilation
 * 1 (padding never wins the max). Attributes: {@code kernel}, {@code stride}, {@code padding},
 * {@code ceil_mode}.
 */
@Extension
public final class MaxPool2dOp extends WindowPool2dOp {

    /** Creates the op type. */
    public MaxPool2dOp() {
        super("max_pool2d");
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        return new NDList(Pool.maxPool2d(inputs.head(), new Shape(a.getLongs("kernel")),
                new Shape(a.getLongs("stride")), new Shape(a.getLongs("padding")),
                a.getBoolean("ceil_mode")));
    }
}
