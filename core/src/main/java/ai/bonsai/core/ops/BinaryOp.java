package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the element-wise binary ops with NumPy broadcasting ({@code add}, {@code sub}, {@code
 * mul}).
 *
 * <p>Channels are coupled. The output's channel dimension is the channel dimension of the first
 * input that has one, shifted by the rank difference; an input slot carries channels along its
 * aligned dimension only where its size there equals the output's, so a size-1 broadcast operand
 * never couples. MACs: 0, as Torch-Pruning does not count element-wise ops.
 */
abstract class BinaryOp implements OpType {

    private final String name;

    /**
     * Creates the op type.
     *
     * @param name the registry name
     */
    BinaryOp(String name) {
        this.name = name;
    }

    /**
     * Applies the operation, with broadcasting, differentiably.
     *
     * @param a the first operand
     * @param b the second operand
     * @return the result
     */
    abstract NDArray apply(NDArray a, NDArray b);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<Shape> inferShapes(Node node, List<Shape> in) {
        Shapes.requireInputs(in, 2);
        return List.of(Shapes.broadcast(in.get(0), in.get(1)));
    }

    @Override
    public final NDList forward(Node node, NDList inputs, ForwardContext context) {
        return new NDList(apply(inputs.get(0), inputs.get(1)));
    }

    @Override
    public final ChannelSemantics channels(Node node) {
        Shape out = node.output().shape();
        int outDim = -1;
        for (Value v : node.inputs()) {
            if (v.channelDim() >= 0) {
                outDim = v.channelDim() + out.dimension() - v.shape().dimension();
                break;
            }
        }
        if (outDim < 0) {
            return Channels.none(node.inputs().size(), 1);
        }
        long size = out.get(outDim);
        List<ChannelSlot> slots = new ArrayList<>();
        for (Value v : node.inputs()) {
            int aligned = outDim - (out.dimension() - v.shape().dimension());
            slots.add(aligned >= 0 && v.shape().get(aligned) == size
                    ? ChannelSlot.at(aligned) : ChannelSlot.NONE);
        }
        int channels = Math.toIntExact(size);
        return new ChannelSemantics(Coupling.COUPLED, channels, channels, slots,
                List.of(ChannelSlot.at(outDim)));
    }
}
