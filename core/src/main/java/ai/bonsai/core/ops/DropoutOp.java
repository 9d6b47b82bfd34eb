package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ForwardContext;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code dropout}: attribute {@code p} in [0, 1]. In training, zeroes each element with
 * probability {@code p} and scales the others by {@code 1 / (1 - p)}; in evaluation, returns its
 * input unchanged (the very array). Channels pass through; MACs 0.
 */
@Extension
public final class DropoutOp extends UnaryOp {

    /** Creates the op type. */
    public DropoutOp() {
        super("dropout");
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        double p = node.attributes().getDouble("p");
        if (!(p >= 0 && p <= 1)) {
            throw new GraphException("attribute 'p' must be in [0, 1], found " + p);
        }
        return super.inferShapes(node, in);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        if (!context.training()) {
            return new NDList(inputs.head());
        }
        return Dropout.dropout(inputs.head(), (float) node.attributes().getDouble("p"), true);
    }
}
