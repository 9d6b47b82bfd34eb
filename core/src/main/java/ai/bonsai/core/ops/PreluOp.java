package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code prelu}: {@code max(x, 0) + weight * min(x, 0)}, as PyTorch's {@code nn.PReLU}.
 *
 * <p>Attribute {@code num_parameters}: 1 (one slope shared by every channel) or C, the size of
 * dimension 1 (one slope per channel). Parameter {@code weight} of shape [num_parameters].
 * PyTorch initializes it to 0.25; Bonsai has no constant initializer, so a freshly built graph
 * holds ones and real slopes come from loading a model's weights.
 *
 * <p>Channels: a per-channel slope makes the node a coupled pass-through along dimension 1 whose
 * pruning removes the pruned channels' slopes; a shared slope passes the input's channels through
 * and needs no change. MACs: output elements, as Torch-Pruning counts activation modules.
 */
@Extension
public final class PreluOp implements OpType {

    @Override
    public String name() {
        return "prelu";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shapes.requireInputs(in, 1);
        return List.of(ParameterSpec.weight("weight", new Shape(a.getLong("num_parameters")),
                ParameterSpec.Init.ONES));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        long n = node.attributes().getLong("num_parameters");
        if (n != 1 && (x.dimension() < 2 || x.get(1) != n)) {
            throw new GraphException("num_parameters " + n + " must be 1 or the size of dimension"
                    + " 1 of input " + x);
        }
        Shape weight = node.parameter("weight").shape();
        if (!weight.equals(new Shape(n))) {
            throw new GraphException("weight " + weight + " does not match num_parameters " + n);
        }
        return List.of(x);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        NDArray w = node.parameter("weight").array();
        if (node.attributes().getLong("num_parameters") > 1) {
            long[] perChannel = new long[x.getShape().dimension() - 1];
            Arrays.fill(perChannel, 1);
            perChannel[0] = x.getShape().get(1);
            w = w.reshape(new Shape(perChannel));
        }
        NDArray positive = Activation.relu(x);
        return new NDList(positive.add(x.sub(positive).mul(w)));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        if (node.attributes().getLong("num_parameters") > 1) {
            return ChannelSemantics.passThrough(1, Math.toIntExact(node.input().shape().get(1)));
        }
        return Channels.alongInput(node);
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        long n = editor.node().attributes().getLong("num_parameters");
        if (n > 1) {
            editor.removeIndices("weight", 0, idxs);
            editor.setAttribute("num_parameters", n - idxs.size());
        }
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    @Override
    public long macs(Node node) {
        return node.output().shape().size();
    }
}
