package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
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
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Instance normalization of an (N, C, spatial...) input, as PyTorch's {@code nn.InstanceNorm1d/2d/3d}
 * without running statistics.
 *
 * <p>Attributes: {@code eps}, {@code affine}. Parameters: {@code weight} (ones) and {@code bias}
 * (zeros) of shape [C] when affine. Forward: each channel of each sample is normalized with the
 * mean and biased variance over its spatial dimensions, then scaled and shifted when affine.
 * Channels: coupled pass-through along dimension 1. MACs: 2 x input elements when affine, else
 * input elements.
 */
@Extension
public final class InstanceNormOp implements OpType {

    @Override
    public String name() {
        return "instance_norm";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 3, "input");
        return Norms.affine(a.getBoolean("affine"), new Shape(x.get(1)));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 3, "input");
        GroupNormOp.requireChannelParameters(node, x);
        return List.of(x);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        NDArray y = GroupNormOp.normalize(x, x.getShape().get(1),
                node.attributes().getDouble("eps"), context);
        return new NDList(GroupNormOp.affine(node, y));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.passThrough(1, Math.toIntExact(node.input().shape().get(1)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        GroupNormOp.removeChannelParameters(editor, idxs);
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    @Override
    public long macs(Node node) {
        return Norms.macs(node);
    }

    /** The affine scale, when the norm has one. */
    @Override
    public Optional<ChannelScoring> scoring(Node node, PruningHandle handle) {
        return Norms.scoring(node, handle, ChannelScoring.Kind.OTHER_NORM);
    }
}
