package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code transpose}: swaps dimensions {@code dim0} and {@code dim1} (negative counting from the
 * end), as {@code torch.transpose}.
 *
 * <p>Channels pass through one to one; if the input's channel dimension is one of the two, the
 * output's is the other. MACs: 0.
 */
@Extension
public final class TransposeOp implements OpType {

    @Override
    public String name() {
        return "transpose";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        int[] d = dims(node, x.dimension());
        long[] out = x.getShape().clone();
        out[d[0]] = x.get(d[1]);
        out[d[1]] = x.get(d[0]);
        return List.of(new Shape(out));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        int[] d = dims(node, x.getShape().dimension());
        return new NDList(x.swapAxes(d[0], d[1]));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int[] d = dims(node, node.input().shape().dimension());
        return Channels.moved(node, 1, c -> c == d[0] ? d[1] : c == d[1] ? d[0] : c);
    }

    private static int[] dims(Node node, int rank) {
        return new int[] {
            Shapes.normalizeDim(node.attributes().getLong("dim0"), rank, "dim0"),
            Shapes.normalizeDim(node.attributes().getLong("dim1"), rank, "dim1")};
    }
}
