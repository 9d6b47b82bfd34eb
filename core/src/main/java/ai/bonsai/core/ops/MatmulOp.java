package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code matmul}: the matrix product of two activations {@code [..., n, k] @ [..., k, m] ->
 * [..., n, m]}, leading dimensions broadcast, as {@code torch.matmul} for operands of rank 2 or
 * more. No parameters.
 *
 * <p>Channels cannot be pruned through the node: coupling through a product of two activations
 * needs per-operand semantics (which operand dimension carries which channels) that the attention
 * work will add. MACs: 0, as Torch-Pruning's counter, which hooks modules only and so counts
 * nothing for {@code torch.matmul} calls (the product itself costs batch * n * k * m).
 */
@Extension
public final class MatmulOp implements OpType {

    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shapes.requireInputs(in, 2);
        Shape a = Shapes.requireMinRank(in.get(0), 2, "input 0");
        Shape b = Shapes.requireMinRank(in.get(1), 2, "input 1");
        int ra = a.dimension();
        int rb = b.dimension();
        if (a.get(ra - 1) != b.get(rb - 2)) {
            throw new GraphException("inner dimensions of " + a + " and " + b + " differ");
        }
        Shape batch = Shapes.broadcast(a.slice(0, ra - 2), b.slice(0, rb - 2));
        return List.of(batch.addAll(new Shape(a.get(ra - 2), b.get(rb - 1))));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        return new NDList(inputs.get(0).matMul(inputs.get(1)));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.opaque(2, 1);
    }
}
