package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelScoring;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.pf4j.Extension;

/**
 * Fully connected layer over the last dimension, weight {@code [out, in]}, as PyTorch's {@code
 * nn.Linear}.
 *
 * <p>Attributes: {@code out_features}, {@code bias}. The input has rank >= 2 with its features
 * in the last dimension. Channels: input and output features are independent. MACs: input
 * elements x out features (+ out features with a bias), as Torch-Pruning counts them.
 */
@Extension
public final class LinearOp implements OpType {

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 2, "input");
        long inFeatures = x.get(x.dimension() - 1);
        long out = a.getLong("out_features");
        if (out < 1) {
            throw new GraphException("out_features must be >= 1, found " + out);
        }
        List<ParameterSpec> specs = new ArrayList<>();
        specs.add(ParameterSpec.weight("weight", new Shape(out, inFeatures),
                ParameterSpec.Init.uniformFanIn(inFeatures)));
        if (a.getBoolean("bias")) {
            specs.add(ParameterSpec.weight("bias", new Shape(out),
                    ParameterSpec.Init.uniformFanIn(inFeatures)));
        }
        return specs;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 2, "input");
        Shape w = node.parameter("weight").shape();
        int last = x.dimension() - 1;
        if (x.get(last) != w.get(1)) {
            throw new GraphException("input " + x + " has " + x.get(last) + " features, weight "
                    + w + " expects " + w.get(1));
        }
        long[] out = x.getShape().clone();
        out[last] = w.get(0);
        return List.of(new Shape(out));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray bias = node.hasParameter("bias") ? node.parameter("bias").array() : null;
        return Linear.linear(inputs.head(), node.parameter("weight").array(), bias);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.input().shape();
        int last = x.dimension() - 1;
        return ChannelSemantics.independent(last, Math.toIntExact(x.get(last)), last,
                Math.toIntExact(node.parameter("weight").shape().get(0)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        editor.removeIndices("weight", 0, idxs);
        if (node.hasParameter("bias")) {
            editor.removeIndices("bias", 0, idxs);
        }
        editor.setAttribute("out_features", node.parameter("weight").shape().get(0));
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        editor.removeIndices("weight", 1, idxs);
    }

    @Override
    public long macs(Node node) {
        long out = node.parameter("weight").shape().get(0);
        long macs = node.input().shape().size() * out;
        return node.hasParameter("bias") ? macs + out : macs;
    }

    /** Output channels are the weight's rows (with the bias), input channels its columns. */
    @Override
    public Optional<ChannelScoring> scoring(Node node, PruningHandle handle) {
        if (handle == PruningHandle.PRUNE_IN) {
            return Optional.of(ChannelScoring.inChannels(1));
        }
        return Optional.of(ChannelScoring.outChannels(0,
                node.hasParameter("bias") ? Optional.of("bias") : Optional.empty()));
    }

    @Override
    public boolean isDefaultRoot(Node node) {
        return true;
    }

    @Override
    public OptionalInt observedInputChannelDim(Node node) {
        return OptionalInt.of(node.input().shape().dimension() - 1);
    }
}
