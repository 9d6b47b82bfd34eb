package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code pad}: constant padding, as {@code torch.nn.functional.pad}.
 *
 * <p>Attributes: {@code pads} in PyTorch's order, last dimension first ({@code left, right} of
 * the last dimension, then of the second to last, ...), non-negative, at most two per dimension;
 * {@code mode}, which must be {@code "constant"}; {@code value}, the fill value.
 *
 * <p>Channels: pass-through along the input's channel dimension unless that dimension is padded,
 * which makes the node opaque (the padded entries would be channels no layer produces). MACs: 0.
 */
@Extension
public final class PadOp implements OpType {

    @Override
    public String name() {
        return "pad";
    }

    /** The validated {@code pads}. */
    private static long[] pads(Attributes a, int rank) {
        long[] pads = a.getLongs("pads");
        if (pads.length % 2 != 0 || pads.length > 2 * rank) {
            throw new GraphException("attribute 'pads' " + Arrays.toString(pads) + " must hold a"
                    + " (left, right) pair for each of at most " + rank + " dimensions");
        }
        if (Arrays.stream(pads).anyMatch(p -> p < 0)) {
            throw new GraphException("attribute 'pads' " + Arrays.toString(pads)
                    + " must not be negative");
        }
        return pads;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        Attributes a = node.attributes();
        if (!"constant".equals(a.getString("mode"))) {
            throw new GraphException("mode '" + a.getString("mode")
                    + "' is not supported, only 'constant'");
        }
        a.getDouble("value"); // the fill value must be present and numeric
        long[] pads = pads(a, x.dimension());
        long[] out = x.getShape().clone();
        for (int i = 0; i < pads.length / 2; i++) {
            out[out.length - 1 - i] += pads[2 * i] + pads[2 * i + 1];
        }
        return List.of(new Shape(out));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        Attributes a = node.attributes();
        return new NDList(x.pad(new Shape(pads(a, x.getShape().dimension())),
                a.getDouble("value")));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Value x = node.input();
        int c = x.channelDim();
        long[] pads = pads(node.attributes(), x.shape().dimension());
        int fromEnd = x.shape().dimension() - 1 - c;
        if (c >= 0 && 2 * fromEnd < pads.length && pads[2 * fromEnd] + pads[2 * fromEnd + 1] > 0) {
            return ChannelSemantics.opaque(1, 1);
        }
        return Channels.alongInput(node);
    }
}
