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
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Group normalization of an (N, C, ...) input, as PyTorch's {@code nn.GroupNorm}.
 *
 * <p>Attributes: {@code num_groups} (dividing C), {@code eps}, {@code affine}. Parameters, named
 * as in a PyTorch state_dict: {@code weight} (ones) and {@code bias} (zeros) of shape [C] when
 * affine. Forward (composed, the engine has no group norm): the input is reshaped to [N, G, C/G
 * x rest], normalized with the mean and biased variance over the last axis, reshaped back, then
 * scaled and shifted per channel when affine.
 *
 * <p>Channels: coupled pass-through along dimension 1. Pruning must keep the channels of every
 * group together: the removed channels must either be whole groups ({@code num_groups} drops by
 * their number) or take the same number of channels from every group ({@code num_groups} is
 * kept); any other selection throws a {@link PruningException} naming the node. MACs: 2 x input
 * elements when affine, else input elements.
 *
 * <p>Optional attribute {@code regroup} (default false): when true, a selection that is neither
 * is accepted as long as the channels left divide by {@code num_groups}, which stays; the
 * channels left are regrouped in order, so the pruned norm no longer normalizes the groups the
 * original did. This is Torch-Pruning's behavior, which never checks the groups; models need it
 * where a concatenation's parts straddle norm groups (a diffusers UNet's skip connections).
 */
@Extension
public final class GroupNormOp implements OpType {

    @Override
    public String name() {
        return "group_norm";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 2, "input");
        return Norms.affine(a.getBoolean("affine"), new Shape(x.get(1)));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireMinRank(Shapes.requireInputs(in, 1).get(0), 2, "input");
        long groups = node.attributes().getLong("num_groups");
        if (groups < 1 || x.get(1) % groups != 0) {
            throw new GraphException("num_groups " + groups + " must divide the " + x.get(1)
                    + " channels of input " + x);
        }
        requireChannelParameters(node, x);
        return List.of(x);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        NDArray y = normalize(x, node.attributes().getLong("num_groups"),
                node.attributes().getDouble("eps"), context);
        return new NDList(affine(node, y));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.passThrough(1, Math.toIntExact(node.input().shape().get(1)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        int groups = node.attributes().getInt("num_groups");
        long channels = node.input().shape().get(1);
        long left;
        try {
            left = ChannelGroups.remaining(node, "group norm", "group", idxs, channels, groups);
        } catch (PruningException e) {
            if (!node.attributes().find("regroup").map(Boolean.TRUE::equals).orElse(false)) {
                throw e;
            }
            if ((channels - idxs.size()) % groups != 0) {
                throw new PruningException("node '" + node.name() + "' (group_norm, regroup): the "
                        + (channels - idxs.size()) + " channels left are not a multiple of its "
                        + groups + " groups");
            }
            left = groups;
        }
        removeChannelParameters(editor, idxs);
        if (left != groups) {
            editor.setAttribute("num_groups", left);
        }
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    @Override
    public long macs(Node node) {
        return Norms.macs(node);
    }

    /**
     * Normalizes each group of channels of each sample with its mean and biased variance.
     *
     * @param x the (N, C, ...) input
     * @param groups the number of groups, dividing C
     * @param eps added to the variance
     * @param context the pass that owns the constant
     * @return the normalized array, of the input's shape
     */
    static NDArray normalize(NDArray x, long groups, double eps, ForwardContext context) {
        Shape shape = x.getShape();
        NDArray rows = x.reshape(shape.get(0), groups, -1);
        NDArray centered = rows.sub(rows.mean(new int[] {2}, true));
        NDArray variance = centered.square().mean(new int[] {2}, true);
        return centered.div(variance.add(context.scalar(eps, variance)).sqrt()).reshape(shape);
    }

    /**
     * Scales and shifts each channel (dimension 1) by the node's {@code weight} and {@code bias},
     * if it has them.
     *
     * @param node the node
     * @param y the normalized (N, C, ...) array
     * @return the result
     */
    static NDArray affine(Node node, NDArray y) {
        if (!node.hasParameter("weight")) {
            return y;
        }
        long[] perChannel = new long[y.getShape().dimension() - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = y.getShape().get(1);
        Shape s = new Shape(perChannel);
        return y.mul(node.parameter("weight").array().reshape(s))
                .add(node.parameter("bias").array().reshape(s));
    }

    /**
     * Checks that {@code weight} and {@code bias}, where present, have one entry per channel.
     *
     * @param node the node
     * @param x the input shape
     */
    static void requireChannelParameters(Node node, Shape x) {
        for (String p : new String[] {"weight", "bias"}) {
            if (node.hasParameter(p) && !node.parameter(p).shape().equals(new Shape(x.get(1)))) {
                throw new GraphException("input " + x + " has " + x.get(1) + " channels, " + p
                        + " has shape " + node.parameter(p).shape());
            }
        }
    }

    /**
     * Removes channels from {@code weight} and {@code bias}, where present.
     *
     * @param editor the editor
     * @param idxs the channels
     */
    static void removeChannelParameters(NodeEditor editor, IndexSet idxs) {
        for (String p : new String[] {"weight", "bias"}) {
            if (editor.node().hasParameter(p)) {
                editor.removeIndices(p, 0, idxs);
            }
        }
    }

    /** The affine scale, when the norm has one. */
    @Override
    public Optional<ChannelScoring> scoring(Node node, PruningHandle handle) {
        return Norms.scoring(node, handle, ChannelScoring.Kind.OTHER_NORM);
    }

    /** Channels leave every norm group alike, so {@code num_groups} stays valid. */
    @Override
    public int channelGroups(Node node, PruningHandle handle) {
        return node.attributes().getInt("num_groups");
    }
}
