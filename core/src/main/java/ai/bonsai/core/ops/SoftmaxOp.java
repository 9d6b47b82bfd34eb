package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code softmax} along the dimension {@code dim} (negative counting from the end), as {@code
 * torch.softmax}.
 *
 * <p>Channels: pass-through along the input's channel dimension when the softmax runs over
 * another dimension; opaque when it runs over the channel dimension, since removing a channel
 * would change every other channel's value. MACs: 0.
 */
@Extension
public final class SoftmaxOp implements OpType {

    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        Shapes.normalizeDim(node.attributes().getLong("dim"), x.dimension(), "dim");
        return List.of(x);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        return new NDList(x.softmax(Shapes.normalizeDim(node.attributes().getLong("dim"),
                x.getShape().dimension(), "dim")));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Value x = node.input();
        int dim = Shapes.normalizeDim(node.attributes().getLong("dim"), x.shape().dimension(),
                "dim");
        if (x.channelDim() == dim) {
            return ChannelSemantics.opaque(1, 1);
        }
        return Channels.alongInput(node);
    }
}
