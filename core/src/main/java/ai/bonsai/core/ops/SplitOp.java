package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code split}: cuts its input along attribute {@code dim} (negative counting from the end) into
 * consecutive pieces of lengths {@code sizes}, one output each, as {@code torch.split} with a list
 * of sizes.
 *
 * <p>Channels: along the input's channel dimension, the node's coupled space is the input's
 * channels and output k occupies {@code [offset_k, offset_k + sizes[k])} of it; pruning updates
 * {@code sizes} (an output may not lose all its channels). Along another dimension, every output
 * shares the input's channels one to one. MACs: 0.
 */
@Extension
public final class SplitOp implements OpType {

    @Override
    public String name() {
        return "split";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        int dim = Shapes.normalizeDim(node.attributes().getLong("dim"), x.dimension(), "dim");
        long[] sizes = node.attributes().getLongs("sizes");
        long total = 0;
        for (long s : sizes) {
            if (s < 1) {
                throw new GraphException("sizes " + Arrays.toString(sizes)
                        + " must all be positive");
            }
            total += s;
        }
        if (sizes.length == 0 || total != x.get(dim)) {
            throw new GraphException("sizes " + Arrays.toString(sizes) + " must add up to "
                    + x.get(dim) + ", the length of dim " + dim + " of input " + x);
        }
        return Pieces.shapes(x, dim, sizes);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        long[] sizes = node.attributes().getLongs("sizes");
        int dim = Shapes.normalizeDim(node.attributes().getLong("dim"),
                inputs.head().getShape().dimension(), "dim");
        return Pieces.cut(inputs.head(), dim, sizes);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return Pieces.semantics(node, splitDim(node), () -> node.attributes().getLongs("sizes"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Along the channel dimension, each removed index shortens the piece it falls in.
     *
     * @throws PruningException naming the node if a piece would lose all its channels
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        if (node.input().channelDim() != splitDim(node)) {
            return;
        }
        long[] sizes = node.attributes().getLongs("sizes");
        long[] left = Pieces.remaining(sizes, idxs);
        for (int k = 0; k < left.length; k++) {
            if (left[k] < 1) {
                throw new PruningException("node '" + node.name() + "' (split): pruning "
                        + idxs.size() + " channels would remove all " + sizes[k]
                        + " channels of output " + k);
            }
        }
        editor.setAttribute("sizes", left);
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    private static int splitDim(Node node) {
        return Shapes.normalizeDim(node.attributes().getLong("dim"),
                node.input().shape().dimension(), "dim");
    }
}
