package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code slice}: keeps {@code start, start + step, ...} up to {@code end} (exclusive) along
 * attribute {@code dim}, as {@code x[..., start:end:step]}. Negative {@code dim}, {@code start}
 * and {@code end} count from the end; {@code start} and {@code end} are clamped to the dimension
 * as in PyTorch; {@code step} is optional (default 1). The slice may not be empty.
 *
 * <p>Channels: along another dimension than the input's channel dimension, channels pass
 * through. Along the channel dimension with step 1, input and output are coupled in the input's
 * channel space and the output occupies {@code [start, end)} of it; pruning removes input
 * channels and moves {@code start} and {@code end} accordingly (the output may not lose all its
 * channels). Along the channel dimension with another step, channels cannot be pruned through the
 * node. MACs: 0.
 */
@Extension
public final class SliceOp implements OpType {

    @Override
    public String name() {
        return "slice";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        Range r = range(node.attributes(), x);
        long[] out = x.getShape().clone();
        out[r.dim] = (r.end - r.start + r.step - 1) / r.step;
        return List.of(new Shape(out));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        Range r = range(node.attributes(), x.getShape());
        NDIndex index = new NDIndex();
        for (int d = 0; d < r.dim; d++) {
            index.addAllDim();
        }
        index.addSliceDim(r.start, r.end, r.step);
        return new NDList(x.get(index));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int c = node.input().channelDim();
        if (c < 0) {
            return Channels.none(1, 1);
        }
        Shape x = node.input().shape();
        Range r = range(node.attributes(), x);
        int channels = Math.toIntExact(x.get(c));
        if (r.dim != c) {
            return ChannelSemantics.passThrough(c, channels);
        }
        if (r.step != 1) {
            return ChannelSemantics.opaque(1, 1);
        }
        IndexMapping kept = new IndexMapping.Offset(Math.toIntExact(r.start),
                Math.toIntExact(r.end - r.start));
        return new ChannelSemantics(Coupling.COUPLED, channels, channels,
                List.of(ChannelSlot.at(c)), List.of(new ChannelSlot(c, kept)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Along the channel dimension, removed input channels before {@code start} shift
     * {@code start} and {@code end}, removed channels inside the slice move {@code end}.
     *
     * @throws PruningException naming the node if the slice would lose all its channels
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        Range r = range(node.attributes(), node.input().shape());
        if (r.dim != node.input().channelDim()) {
            return;
        }
        long before = idxs.stream().filter(i -> i < r.start).count();
        long inside = idxs.stream().filter(i -> i >= r.start && i < r.end).count();
        if (inside == r.end - r.start) {
            throw new PruningException("node '" + node.name() + "' (slice): pruning "
                    + idxs.size() + " channels would remove all " + inside
                    + " channels of the slice [" + r.start + ", " + r.end + ")");
        }
        editor.setAttribute("start", r.start - before);
        editor.setAttribute("end", r.end - before - inside);
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    /** A slice resolved against a shape: non-negative, clamped bounds. */
    private record Range(int dim, long start, long end, long step) {
    }

    private static Range range(Attributes a, Shape x) {
        int dim = Shapes.normalizeDim(a.getLong("dim"), x.dimension(), "dim");
        long length = x.get(dim);
        long step = a.has("step") ? a.getLong("step") : 1;
        if (step < 1) {
            throw new GraphException("step " + step + " must be positive");
        }
        long start = clamp(a.getLong("start"), length);
        long end = clamp(a.getLong("end"), length);
        if (start >= end) {
            throw new GraphException("slice [" + a.getLong("start") + ", " + a.getLong("end")
                    + ") of dim " + dim + " (length " + length + ") is empty");
        }
        return new Range(dim, start, end, step);
    }

    private static long clamp(long index, long length) {
        long i = index < 0 ? index + length : index;
        return Math.max(0, Math.min(length, i));
    }
}
