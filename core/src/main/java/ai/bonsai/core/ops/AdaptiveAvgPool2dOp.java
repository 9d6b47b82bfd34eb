package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code adaptive_avg_pool2d}: average pooling of NCHW to a fixed {@code output_size} [h, w], as
 * PyTorch's {@code nn.AdaptiveAvgPool2d} (window i along a dimension of length n covers {@code
 * [floor(i * n / out), ceil((i + 1) * n / out))}). A 1 x 1 output is the mean over H and W
 * (a sum and a division: the engine's {@code mean} takes one axis only).
 */
@Extension
public final class AdaptiveAvgPool2dOp extends Pool2dOp {

    /** Creates the op type. */
    public AdaptiveAvgPool2dOp() {
        super("adaptive_avg_pool2d");
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireRank(Shapes.requireInputs(in, 1).get(0), 4, "input");
        long[] size = Shapes.pair(node.attributes(), "output_size");
        if (size[0] < 1 || size[1] < 1) {
            throw new GraphException("output_size must be positive, found [" + size[0] + ", "
                    + size[1] + "]");
        }
        return List.of(new Shape(x.get(0), x.get(1), size[0], size[1]));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        long[] size = node.attributes().getLongs("output_size");
        NDArray x = inputs.head();
        if (size[0] == 1 && size[1] == 1) {
            long positions = x.getShape().get(2) * x.getShape().get(3);
            return new NDList(x.sum(new int[] {2, 3}, true).div(context.scalar(positions, x)));
        }
        if (!(x instanceof PtNDArray)) {
            throw new GraphException("node '" + node.name() + "' (adaptive_avg_pool2d) needs the"
                    + " PyTorch engine, found an array of " + x.getClass().getName());
        }
        return new NDList(JniUtils.adaptiveAvgPool((PtNDArray) x, new Shape(size)));
    }
}
