package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
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
 * {@code permute}: reorders the dimensions, output dimension i being input dimension
 * {@code dims[i]} (negative counting from the end), as {@code torch.permute}.
 *
 * <p>Channels pass through one to one, the output's channel dimension being the position the
 * input's channel dimension moves to. MACs: 0.
 */
@Extension
public final class PermuteOp implements OpType {

    @Override
    public String name() {
        return "permute";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        int[] dims = dims(node, x.dimension());
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = x.get(dims[i]);
        }
        return List.of(new Shape(out));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        return new NDList(x.transpose(dims(node, x.getShape().dimension())));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int[] dims = dims(node, node.input().shape().dimension());
        return Channels.moved(node, 1, c -> {
            int i = 0;
            while (dims[i] != c) {
                i++;
            }
            return i;
        });
    }

    private static int[] dims(Node node, int rank) {
        long[] raw = node.attributes().getLongs("dims");
        if (raw.length != rank) {
            throw new GraphException("dims " + Arrays.toString(raw) + " must list " + rank
                    + " dimensions");
        }
        int[] dims = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = Shapes.normalizeDim(raw[i], rank, "dims entry");
            if (seen[dims[i]]) {
                throw new GraphException("dims " + Arrays.toString(raw) + " repeat dimension "
                        + dims[i]);
            }
            seen[dims[i]] = true;
        }
        return dims;
    }
}
