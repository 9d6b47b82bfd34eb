package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code expand}: broadcasts dimensions of length 1 to the lengths of attribute {@code shape}, as
 * {@code torch.Tensor.expand}: -1 keeps a dimension, extra leading entries add new dimensions.
 * Dimensions longer than 1 keep the input's length at run time (so that the graph runs on other
 * batch sizes).
 *
 * <p>Channels pass through one to one (shifted by the number of new leading dimensions), unless
 * the channel dimension itself is broadcast from length 1: then the output has no channels to
 * couple and the input does not carry its producer's channels. Pruning shortens the channel
 * dimension's entry of {@code shape}. MACs: 0.
 */
@Extension
public final class ExpandOp implements OpType {

    @Override
    public String name() {
        return "expand";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        return List.of(expand(node.attributes().getLongs("shape"),
                Shapes.requireInputs(in, 1).get(0)));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        return new NDList(x.broadcast(expand(node.attributes().getLongs("shape"), x.getShape())));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.input().shape();
        int c = node.input().channelDim();
        int added = node.output().shape().dimension() - x.dimension();
        if (c >= 0 && x.get(c) == 1 && node.output().shape().get(c + added) != 1) {
            return Channels.none(1, 1);
        }
        return Channels.moved(node, 1, d -> d + added);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Shortens the output channel dimension's entry of {@code shape} (unless it is -1) by the
     * number of removed channels.
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Channels.shortenShapeEntry(editor, channels(editor.node()).outputs().get(0).dim(), idxs.size());
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    private static Shape expand(long[] shape, Shape x) {
        int added = shape.length - x.dimension();
        if (added < 0) {
            throw new GraphException("shape " + Arrays.toString(shape) + " has fewer entries than"
                    + " input " + x + " has dimensions");
        }
        long[] out = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            long length = d < added ? 1 : x.get(d - added);
            if (d < added && shape[d] < 1) {
                throw new GraphException("new leading dimension " + d + " of shape "
                        + Arrays.toString(shape) + " must have a positive length");
            }
            if (length != 1 && shape[d] != -1 && shape[d] != length) {
                throw new GraphException("shape " + Arrays.toString(shape) + " cannot expand"
                        + " dimension " + (d - added) + " of length " + length + " of input " + x);
            }
            out[d] = shape[d] == -1 || length != 1 ? length : shape[d];
        }
        return new Shape(out);
    }
}
