package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code flatten}: merges dimensions {@code start_dim .. end_dim} (inclusive, negative counting
 * from the end) into one, as {@code torch.flatten}.
 *
 * <p>Channels, for an input channel dimension c: if c is {@code start_dim}, input and output are
 * coupled and input channel c expands to the k output features {@code [c * k, (c + 1) * k)},
 * where k is the product of the flattened dimensions after c; if c lies before the range, or
 * after it, it passes through (shifted); if c lies inside the range but not first, channels
 * cannot be pruned through the node. MACs: 0.
 */
@Extension
public final class FlattenOp implements OpType {

    @Override
    public String name() {
        return "flatten";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 1, "input");
        return List.of(flatten(node.attributes(), x));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        return new NDList(x.reshape(flatten(node.attributes(), x.getShape())));
    }

    private static int[] range(Attributes a, int rank) {
        int start = Shapes.normalizeDim(a.getLong("start_dim"), rank, "start_dim");
        int end = Shapes.normalizeDim(a.getLong("end_dim"), rank, "end_dim");
        if (start > end) {
            throw new GraphException("start_dim " + a.getLong("start_dim") + " comes after end_dim "
                    + a.getLong("end_dim") + " for rank " + rank);
        }
        return new int[] {start, end};
    }

    private static Shape flatten(Attributes a, Shape x) {
        int[] r = range(a, x.dimension());
        long[] out = new long[x.dimension() - (r[1] - r[0])];
        for (int d = 0; d < r[0]; d++) {
            out[d] = x.get(d);
        }
        out[r[0]] = x.slice(r[0], r[1] + 1).size();
        for (int d = r[1] + 1; d < x.dimension(); d++) {
            out[d - (r[1] - r[0])] = x.get(d);
        }
        return new Shape(out);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.input().shape();
        int c = node.input().channelDim();
        if (c < 0) {
            return Channels.none(1, 1);
        }
        int[] r = range(node.attributes(), x.dimension());
        if (c < r[0]) {
            return ChannelSemantics.passThrough(c, Math.toIntExact(x.get(c)));
        }
        if (c > r[1]) {
            return ChannelSemantics.passThrough(c - (r[1] - r[0]), Math.toIntExact(x.get(c)));
        }
        if (c > r[0]) {
            return ChannelSemantics.opaque(1, 1);
        }
        long k = x.slice(c + 1, r[1] + 1).size();
        int features = Math.toIntExact(x.get(c) * k);
        return new ChannelSemantics(Coupling.COUPLED, features, features,
                List.of(new ChannelSlot(c, new IndexMapping.Expansion(Math.toIntExact(k)))),
                List.of(ChannelSlot.at(c)));
    }
}
