package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.pf4j.Extension;

/**
 * {@code hard_sigmoid}: {@code max(0, min(1, alpha * x + beta))}, as ONNX's {@code HardSigmoid}
 * (PyTorch's {@code nn.Hardsigmoid} is alpha 1/6, beta 0.5). Attributes {@code alpha}, {@code
 * beta}. Channels pass through. MACs: 0, as Torch-Pruning's counter treats it as a zero-op.
 */
@Extension
public final class HardSigmoidOp extends UnaryOp {

    /** Creates the op type. */
    public HardSigmoidOp() {
        super("hard_sigmoid");
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        NDArray x = inputs.head();
        return new NDList(x.mul(context.scalar(a.getDouble("alpha"), x))
                .add(context.scalar(a.getDouble("beta"), x)).clip(0, 1));
    }
}
