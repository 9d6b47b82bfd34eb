package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code parameter}: a raw parameter used as a tensor (a class token, a positional embedding, a
 * layer-scale vector), what Torch-Pruning calls an unwrapped parameter. The node has no inputs;
 * its output is its own parameter, whose full name is the node's name (a node {@code cls_token}
 * owns the parameter {@code cls_token}, as in a PyTorch state_dict).
 *
 * <p>Attributes: {@code shape}; {@code channel_dim}, the prunable dimension (negative counting
 * from the end; -1 when absent). The parameter is initialized uniformly in +-1/sqrt(channels); real
 * values come from loading a model's weights.
 *
 * <p>Channels: the output's channel dimension is {@code channel_dim}; a node with no inputs is
 * independent, prunable like a linear layer's output: pruning removes entries along {@code
 * channel_dim} and shortens {@code shape}. Input pruning does the same, as Torch-Pruning's
 * parameter pruner. MACs: 0.
 */
@Extension
public final class ParameterOp implements OpType {

    @Override
    public String name() {
        return "parameter";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shapes.requireInputs(in, 0);
        Shape shape = new Shape(a.getLongs("shape"));
        Shapes.requireMinRank(shape, 1, "shape");
        long channels = shape.get(channelDim(a, shape.dimension()));
        return List.of(ParameterSpec.weight("", shape, ParameterSpec.Init.uniformFanIn(channels)));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shapes.requireInputs(in, 0);
        Shape shape = node.parameter("").shape();
        long[] declared = node.attributes().getLongs("shape");
        if (!Arrays.equals(shape.getShape(), declared)) {
            throw new GraphException("parameter " + shape + " does not match attribute shape "
                    + Arrays.toString(declared));
        }
        channelDim(node.attributes(), shape.dimension());
        return List.of(shape);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns a view of the parameter, so that gradients reach it.
     */
    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray p = node.parameter("").array();
        return new NDList(p.reshape(p.getShape()));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape shape = node.output().shape();
        int dim = channelDim(node.attributes(), shape.dimension());
        return new ChannelSemantics(Coupling.INDEPENDENT, 0, Math.toIntExact(shape.get(dim)),
                List.of(), List.of(ChannelSlot.at(dim)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Attributes a = editor.node().attributes();
        long[] shape = a.getLongs("shape");
        int dim = channelDim(a, shape.length);
        editor.removeIndices("", dim, idxs);
        shape[dim] -= idxs.size();
        editor.setAttribute("shape", shape);
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    private static int channelDim(Attributes a, int rank) {
        return Shapes.normalizeDim(a.has("channel_dim") ? a.getLong("channel_dim") : -1, rank,
                "channel_dim");
    }
}
