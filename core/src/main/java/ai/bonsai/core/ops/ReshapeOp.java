package ai.bonsai.core.ops;

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
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code reshape}: gives the input the shape of attribute {@code shape}, in row-major order, as
 * {@code torch.reshape}. The output's first length always follows the input's size, so that the
 * graph runs on other batch sizes: when a later entry is -1 (inferred from the others), {@code
 * shape[0]} must be -1 or the input's first length and the batch dimension is kept; otherwise the
 * first length is inferred from the others, whatever {@code shape[0]} holds (-1, the batch, or a
 * batch × windows product a tracer wrote, which must then hold the input's elements), so a reshape
 * may fold windows into the batch dimension ({@code [B, H/w, W/w, w, w, C] → [B·nW, w·w, C]},
 * Swin's window partition) and unfold them again.
 *
 * <p>Channels, for an input channel dimension c: if some output dimension j has c's length and
 * the dimensions before it hold as many elements as those before c (c is untouched, other
 * dimensions merged or split around it), channels pass through from c to j. If c and all
 * dimensions after it merge into one output dimension j (as {@code flatten}), input and output
 * are coupled and input channel c expands to the k output features {@code [c * k, (c + 1) * k)},
 * where k is the number of elements per channel. If c splits into two output dimensions j, j + 1
 * (heads x head_dim, the dimensions after c unchanged), the output's channel dimension is j and
 * output channel h (a head) covers input channels {@code [h * d, (h + 1) * d)}, d = head_dim: a
 * group takes whole heads, and pruning refuses anything else with a {@link PruningException}
 * naming the node. In any other case (c merged with dimensions before it, for instance) channels
 * cannot be pruned through the node. Pruning shortens the output channel dimension's entry of
 * {@code shape} (by the heads removed, when split). MACs: 0.
 */
@Extension
public final class ReshapeOp implements OpType {

    @Override
    public String name() {
        return "reshape";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 1, "input");
        long[] shape = node.attributes().getLongs("shape");
        if (shape.length == 0 || keepsBatch(shape) && shape[0] != -1 && shape[0] != x.get(0)) {
            throw new GraphException("shape " + Arrays.toString(shape)
                    + " must keep the batch dimension " + x.get(0) + " of input " + x
                    + " (first entry -1 or " + x.get(0) + ") when a later entry is -1");
        }
        Shape y = resolve(shape, x);
        if (shape[0] != -1 && shape[0] != y.get(0)) {
            throw new GraphException("shape " + Arrays.toString(shape) + " does not hold the "
                    + x.size() + " elements of input " + x);
        }
        return List.of(y);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        return new NDList(x.reshape(resolve(node.attributes().getLongs("shape"), x.getShape())));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.input().shape();
        int c = node.input().channelDim();
        if (c < 0) {
            return Channels.none(1, 1);
        }
        Shape y = node.output().shape();
        long before = x.slice(0, c).size();
        long perChannel = x.slice(c + 1, x.dimension()).size();
        for (int j = 0; j < y.dimension(); j++) {
            long prefix = y.slice(0, j).size();
            if (prefix > before) {
                break;
            }
            if (prefix == before && y.get(j) == x.get(c)) {
                int at = j;
                return Channels.moved(node, 1, d -> at);
            }
            if (prefix == before && y.get(j) == x.get(c) * perChannel) {
                int features = Math.toIntExact(y.get(j));
                return new ChannelSemantics(Coupling.COUPLED, features, features,
                        List.of(new ChannelSlot(c,
                                new IndexMapping.Expansion(Math.toIntExact(perChannel)))),
                        List.of(ChannelSlot.at(j)));
            }
            if (prefix == before && j + 1 < y.dimension() && y.get(j) > 1 && y.get(j + 1) > 1
                    && y.get(j) * y.get(j + 1) == x.get(c)
                    && y.slice(j + 2, y.dimension()).size() == perChannel) {
                int channels = Math.toIntExact(x.get(c));
                return new ChannelSemantics(Coupling.COUPLED, channels, channels,
                        List.of(ChannelSlot.at(c)), List.of(new ChannelSlot(j,
                                new IndexMapping.Expansion(Math.toIntExact(y.get(j + 1))))));
            }
        }
        return ChannelSemantics.opaque(1, 1);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Shortens the output channel dimension's entry of {@code shape} (unless it is -1) by the
     * number of removed channels (features, when the channel dimension is flattened).
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        ChannelSemantics sem = channels(editor.node());
        ChannelSlot out = sem.outputs().get(0);
        if (sem.coupling() != Coupling.COUPLED || out.dim() <= 0) {
            return;
        }
        int perHead = out.mapping() instanceof IndexMapping.Expansion e ? e.factor() : 1;
        boolean whole = idxs.size() % perHead == 0;
        for (int i = 0; whole && i < idxs.size(); i += perHead) {
            whole = idxs.get(i) % perHead == 0 && idxs.get(i + perHead - 1) == idxs.get(i) + perHead - 1;
        }
        if (!whole) {
            throw new PruningException("node '" + editor.node().name() + "' (reshape): it splits"
                    + " channels into groups of " + perHead + ", the removed channels " + idxs
                    + " are not whole groups");
        }
        Channels.shortenShapeEntry(editor, out.dim(), idxs.size() / perHead);
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    /** Whether a later entry is -1, so that the first one is the kept batch dimension. */
    private static boolean keepsBatch(long[] shape) {
        for (int d = 1; d < shape.length; d++) {
            if (shape[d] == -1) {
                return true;
            }
        }
        return false;
    }

    private static Shape resolve(long[] shape, Shape x) {
        long[] out = shape.clone();
        int free = keepsBatch(shape) ? -1 : 0;
        out[0] = free == 0 ? -1 : x.get(0);
        long known = free == 0 ? 1 : out[0];
        for (int d = 1; d < out.length; d++) {
            if (out[d] == -1 && free < 0) {
                free = d;
            } else if (out[d] < 1) {
                throw new GraphException("shape " + Arrays.toString(shape)
                        + " may hold positive lengths and one -1 after the batch entry");
            } else {
                known *= out[d];
            }
        }
        if (free >= 0 && known > 0 && x.size() % known == 0) {
            out[free] = x.size() / known;
            known *= out[free];
        }
        if (known != x.size()) {
            throw new GraphException("shape " + Arrays.toString(shape) + " does not hold the "
                    + x.size() + " elements of input " + x);
        }
        return new Shape(out);
    }
}
