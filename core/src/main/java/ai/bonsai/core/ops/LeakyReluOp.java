package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import org.pf4j.Extension;

/**
 * {@code leaky_relu}: x for x >= 0, {@code negative_slope} * x otherwise, as PyTorch's {@code
 * nn.LeakyReLU}. Attribute {@code negative_slope}. Channels pass through. MACs: output elements,
 * as Torch-Pruning counts LeakyReLU modules.
 */
@Extension
public final class LeakyReluOp extends UnaryOp {

    /** Creates the op type. */
    public LeakyReluOp() {
        super("leaky_relu");
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        return new NDList(Activation.leakyRelu(inputs.head(),
                (float) node.attributes().getDouble("negative_slope")));
    }

    @Override
    public long macs(Node node) {
        return node.output().shape().size();
    }
}
