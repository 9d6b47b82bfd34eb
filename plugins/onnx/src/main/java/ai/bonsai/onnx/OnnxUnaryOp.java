package ai.bonsai.onnx;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Base of the ONNX plugin's element-wise one-input op types ({@code onnx_sin}, {@code onnx_cos},
 * {@code onnx_cast}): the output has the input's shape, and channels pass through along the
 * input's channel dimension (none when it has none). No parameters, MACs 0.
 */
abstract class OnnxUnaryOp implements OpType {

    @Override
    public final List<Shape> inferShapes(Node node, List<Shape> inputShapes) {
        return List.of(inputShapes.get(0));
    }

    @Override
    public final ChannelSemantics channels(Node node) {
        Value x = node.input();
        int dim = x.channelDim();
        if (dim < 0) {
            return new ChannelSemantics(Coupling.COUPLED, 0, 0, List.of(ChannelSlot.NONE), List.of(ChannelSlot.NONE));
        }
        return ChannelSemantics.passThrough(dim, Math.toIntExact(x.shape().get(dim)));
    }
}
