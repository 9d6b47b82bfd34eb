package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code unbind}: removes attribute {@code dim} (negative counting from the end), returning one
 * output per index along it, as {@code torch.unbind}.
 *
 * <p>Channels: along another dimension than the input's channel dimension, every output shares
 * the input's channels, at a dimension one lower when {@code dim} comes before it. Along the
 * channel dimension, each output holds a single channel and channels cannot be pruned through
 * the node. MACs: 0.
 */
@Extension
public final class UnbindOp implements OpType {

    @Override
    public String name() {
        return "unbind";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 1, "input");
        int dim = unbindDim(node, x);
        long[] out = new long[x.dimension() - 1];
        for (int d = 0, o = 0; d < x.dimension(); d++) {
            if (d != dim) {
                out[o++] = x.get(d);
            }
        }
        List<Shape> shapes = new ArrayList<>();
        for (long k = 0; k < x.get(dim); k++) {
            shapes.add(new Shape(out));
        }
        return shapes;
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        int dim = unbindDim(node, x.getShape());
        NDList out = new NDList();
        for (NDArray piece : x.split(x.getShape().get(dim), dim)) {
            out.add(piece.squeeze(dim));
        }
        return out;
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int outputs = node.outputs().size();
        int dim = unbindDim(node, node.input().shape());
        if (node.input().channelDim() == dim) {
            return ChannelSemantics.opaque(1, outputs);
        }
        return Channels.moved(node, outputs, c -> dim < c ? c - 1 : c);
    }

    private static int unbindDim(Node node, Shape x) {
        return Shapes.normalizeDim(node.attributes().getLong("dim"), x.dimension(), "dim");
    }
}
