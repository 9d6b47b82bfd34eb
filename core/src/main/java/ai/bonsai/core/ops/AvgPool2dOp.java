package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.pf4j.Extension;

/**
 * {@code avg_pool2d}: 2-D average pooling over NCHW, as PyTorch's {@code nn.AvgPool2d}.
 * Attributes: {@code kernel}, {@code stride}, {@code padding}, {@code ceil_mode} and the optional
 * {@code count_include_pad} (default true: padded zeros count in the divisor).
 *
 * <p>DJL's PyTorch engine ignores {@code countIncludePad} and always counts the padding, so
 * without it the result is divided by the same pooling of a ones map, which turns each window's
 * divisor into its count of real elements, as PyTorch does.
 */
@Extension
public final class AvgPool2dOp extends WindowPool2dOp {

    /** Creates the op type. */
    public AvgPool2dOp() {
        super("avg_pool2d");
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        NDArray x = inputs.head();
        NDArray pooled = pool(a, x);
        long[] padding = a.getLongs("padding");
        boolean countIncludePad = !a.has("count_include_pad") || a.getBoolean("count_include_pad");
        if (countIncludePad || (padding[0] == 0 && padding[1] == 0)) {
            return new NDList(pooled);
        }
        Shape in = x.getShape();
        NDArray ones = context.manager().ones(new Shape(1, 1, in.get(2), in.get(3)),
                x.getDataType());
        return new NDList(pooled.div(pool(a, ones)));
    }

    private static NDArray pool(Attributes a, NDArray x) {
        return Pool.avgPool2d(x, new Shape(a.getLongs("kernel")), new Shape(a.getLongs("stride")),
                new Shape(a.getLongs("padding")), a.getBoolean("ceil_mode"), true);
    }
}
