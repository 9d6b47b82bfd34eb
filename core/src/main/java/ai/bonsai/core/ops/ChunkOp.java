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
 * {@code chunk}: cuts its input along attribute {@code dim} (negative counting from the end) into
 * {@code chunks} equal consecutive pieces, one output each, as {@code torch.chunk} when the length
 * of {@code dim} is a multiple of {@code chunks} (other lengths are rejected).
 *
 * <p>Channels: as {@code split} (along the channel dimension output k occupies the k-th equal
 * part of the input's channels; along another dimension every output shares the input's
 * channels). Pruning along the channel dimension must remove as many channels from every piece,
 * so that the pieces stay equal. MACs: 0.
 */
@Extension
public final class ChunkOp implements OpType {

    @Override
    public String name() {
        return "chunk";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        int dim = chunkDim(node, x);
        return Pieces.shapes(x, dim, sizes(node, x, dim));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Shape x = inputs.head().getShape();
        int dim = chunkDim(node, x);
        return Pieces.cut(inputs.head(), dim, sizes(node, x, dim));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.input().shape();
        int dim = chunkDim(node, x);
        return Pieces.semantics(node, dim, () -> sizes(node, x, dim));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Along the channel dimension the pieces shrink with the indices that fall in them; the
     * number of chunks stays, so the piece length follows from the new input length.
     *
     * @throws PruningException naming the node if the pieces would become unequal or empty
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        Shape x = node.input().shape();
        int dim = chunkDim(node, x);
        if (node.input().channelDim() != dim) {
            return;
        }
        long[] left = Pieces.remaining(sizes(node, x, dim), idxs);
        if (Arrays.stream(left).distinct().count() != 1 || left[0] < 1) {
            throw new PruningException("node '" + node.name() + "' (chunk): pruning "
                    + idxs.size() + " channels would leave chunks of unequal or zero lengths "
                    + Arrays.toString(left));
        }
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    private static int chunkDim(Node node, Shape x) {
        return Shapes.normalizeDim(node.attributes().getLong("dim"), x.dimension(), "dim");
    }

    private static long[] sizes(Node node, Shape x, int dim) {
        long chunks = node.attributes().getLong("chunks");
        long length = x.get(dim);
        if (chunks < 1 || length % chunks != 0) {
            throw new GraphException("chunks " + chunks + " must be positive and divide "
                    + length + ", the length of dim " + dim + " of input " + x);
        }
        long[] sizes = new long[Math.toIntExact(chunks)];
        Arrays.fill(sizes, length / chunks);
        return sizes;
    }
}
