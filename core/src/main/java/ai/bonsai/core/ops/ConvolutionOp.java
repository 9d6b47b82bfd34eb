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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Base of the convolutions over 1, 2 or 3 spatial dimensions, plain ({@code conv1d}, {@code
 * conv2d}, {@code conv3d}) or transposed ({@code conv_transpose1d}, {@code conv_transpose2d}),
 * on N x C x spatial tensors, with PyTorch's weight layouts: {@code [out, in/groups, k...]} for a
 * plain convolution, {@code [in, out/groups, k...]} for a transposed one.
 *
 * <p>Attributes (the tuples hold one entry per spatial dimension): {@code out_channels}, {@code
 * kernel}, {@code stride}, {@code padding}, {@code dilation}, {@code groups}, {@code bias}; a
 * transposed convolution also reads {@code output_padding}. Parameters {@code weight} and,
 * with a bias, {@code bias} of shape [out], initialized as PyTorch does.
 *
 * <p>Channels: input and output are independent, except for a depthwise convolution ({@code
 * groups == in == out > 1}), whose channels are coupled and whose {@code groups} shrinks with
 * them. A grouped plain convolution ({@code groups > 1}, not depthwise) keeps its {@code groups}
 * and is pruned as Torch-Pruning prunes it: its input and output channels fall into {@code groups}
 * channel groups ({@link #channelGroups}), every group loses the same number of output channels,
 * and the same positions of input channels (the weight's {@code in/groups} columns are shared by
 * all groups). A grouped transposed convolution is the mirror image: its weight {@code [in,
 * out/groups, k...]} holds every input channel and {@code out/groups} output positions shared by
 * all groups, so every group loses the same number of input channels and the same positions of
 * output channels. Pruning removes weight rows (output) or columns (input) in the layout's order,
 * as Torch-Pruning's conv pruner does.
 *
 * <p>MACs: {@code prod(kernel) x in x out/groups x output positions} (+ {@code out x output
 * positions} with a bias), the flops-counter convention Torch-Pruning applies to plain and
 * transposed convolutions alike.
 */
public abstract class ConvolutionOp implements OpType {

    private static final String GROUPED = "grouped convolution";

    private final String name;
    private final int spatialDims;
    private final boolean transposed;

    /**
     * Creates the op type.
     *
     * @param name the registry name
     * @param spatialDims the number of spatial dimensions (1 to 3)
     * @param transposed whether it is a transposed convolution
     */
    ConvolutionOp(String name, int spatialDims, boolean transposed) {
        this.name = name;
        this.spatialDims = spatialDims;
        this.transposed = transposed;
    }

    @Override
    public final String name() {
        return name;
    }

    /**
     * Tells whether this is a transposed convolution (weight layout {@code [in, out/groups,
     * k...]}).
     *
     * @return true if transposed
     */
    public final boolean isTransposed() {
        return transposed;
    }

    /**
     * Tells whether a node is a convolution of any rank, plain or transposed.
     *
     * @param node the node
     * @return true if its op type is a {@link ConvolutionOp}
     */
    public static boolean isConvolution(Node node) {
        return node.op() instanceof ConvolutionOp;
    }

    /**
     * Tells whether a convolution node is depthwise: {@code groups == in_channels ==
     * out_channels > 1}.
     *
     * @param node a node of any convolution op type
     * @return true if depthwise
     */
    public static boolean isDepthwise(Node node) {
        long groups = node.attributes().getLong("groups");
        return groups > 1 && groups == node.input().shape().get(1)
                && groups == node.attributes().getLong("out_channels");
    }

    @Override
    public final List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        long inChannels = Shapes.requireRank(Shapes.requireInputs(in, 1).get(0), spatialDims + 2,
                "input").get(1);
        long groups = a.getLong("groups");
        long out = a.getLong("out_channels");
        long[] kernel = Shapes.tuple(a, "kernel", spatialDims);
        if (groups < 1 || out < 1 || inChannels % groups != 0 || out % groups != 0) {
            throw new GraphException("groups " + groups + " must divide input channels "
                    + inChannels + " and output channels " + out);
        }
        long[] w = new long[spatialDims + 2];
        w[0] = transposed ? inChannels : out;
        w[1] = transposed ? out / groups : inChannels / groups;
        System.arraycopy(kernel, 0, w, 2, spatialDims);
        long fanIn = w[1] * new Shape(kernel).size();
        List<ParameterSpec> specs = new ArrayList<>();
        specs.add(ParameterSpec.weight("weight", new Shape(w), ParameterSpec.Init.uniformFanIn(fanIn)));
        if (a.getBoolean("bias")) {
            specs.add(ParameterSpec.weight("bias", new Shape(out), ParameterSpec.Init.uniformFanIn(fanIn)));
        }
        return specs;
    }

    @Override
    public final List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireRank(Shapes.requireInputs(in, 1).get(0), spatialDims + 2, "input");
        Shape w = node.parameter("weight").shape();
        Attributes a = node.attributes();
        long groups = a.getLong("groups");
        long expected = transposed ? w.get(0) : w.get(1) * groups;
        if (x.get(1) != expected) {
            throw new GraphException("input has " + x.get(1) + " channels, weight " + w
                    + " with groups " + groups + " expects " + expected);
        }
        long[] s = Shapes.tuple(a, "stride", spatialDims);
        long[] p = Shapes.tuple(a, "padding", spatialDims);
        long[] d = Shapes.tuple(a, "dilation", spatialDims);
        long[] out = new long[spatialDims + 2];
        out[0] = x.get(0);
        out[1] = transposed ? w.get(1) * groups : w.get(0);
        for (int i = 0; i < spatialDims; i++) {
            long len = x.get(i + 2);
            long k = w.get(i + 2);
            out[i + 2] = transposed
                    ? Shapes.transposedConvOut(len, k, s[i], p[i], d[i],
                            Shapes.tuple(a, "output_padding", spatialDims)[i])
                    : Shapes.convOut(len, k, s[i], p[i], d[i]);
        }
        return List.of(new Shape(out));
    }

    @Override
    public final NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        NDArray x = inputs.head();
        NDArray weight = node.parameter("weight").array();
        NDArray bias = node.hasParameter("bias") ? node.parameter("bias").array() : null;
        long[] stride = a.getLongs("stride");
        long[] padding = a.getLongs("padding");
        long[] dilation = a.getLongs("dilation");
        int groups = a.getInt("groups");
        if (transposed) {
            return new NDList(TransposedConvolution.apply(x, weight, bias,
                    new TransposedConvolution.Geometry(stride, padding, dilation,
                            a.getLongs("output_padding"), groups)));
        }
        return x.getNDArrayInternal().convolution(x, weight, bias, new Shape(stride),
                new Shape(padding), new Shape(dilation), groups);
    }

    /**
     * Tells whether a convolution node is grouped but not depthwise: {@code groups > 1}, whose
     * channels are pruned evenly inside every group.
     *
     * @param node a node of any convolution op type
     * @return true if grouped and not depthwise
     */
    public static boolean isGrouped(Node node) {
        return node.attributes().getLong("groups") > 1 && !isDepthwise(node);
    }

    @Override
    public final ChannelSemantics channels(Node node) {
        int in = Math.toIntExact(node.input().shape().get(1));
        int out = Math.toIntExact(node.output().shape().get(1));
        if (isDepthwise(node)) {
            return ChannelSemantics.passThrough(1, out);
        }
        return ChannelSemantics.independent(1, in, 1, out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Removes the output channels' slices of {@code weight} (dimension 0, or 1 when transposed)
     * and {@code bias}, and updates {@code out_channels} (and {@code groups} when depthwise); a
     * grouped transposed convolution removes the positions its groups lose alike from its {@code
     * out/groups} weight columns.
     *
     * @throws ai.bonsai.api.prune.PruningException naming the node if a grouped convolution's
     *     groups would lose different numbers of channels (different positions when transposed)
     */
    @Override
    public final void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        boolean depthwise = isDepthwise(node);
        long outChannels = node.attributes().getLong("out_channels");
        int groups = node.attributes().getInt("groups");
        if (transposed && isGrouped(node)) {
            editor.removeIndices("weight", 1, ChannelGroups.commonPositions(node, GROUPED, idxs, outChannels, groups));
        } else {
            if (isGrouped(node)) {
                ChannelGroups.requireEqualShares(node, GROUPED, idxs, outChannels, groups);
            }
            editor.removeIndices("weight", transposed && !depthwise ? 1 : 0, idxs);
        }
        if (node.hasParameter("bias")) {
            editor.removeIndices("bias", 0, idxs);
        }
        long out = outChannels - idxs.size();
        editor.setAttribute("out_channels", out);
        if (depthwise) {
            editor.setAttribute("groups", out);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Removes the input channels' slices of {@code weight} (dimension 1, or 0 when transposed);
     * a depthwise convolution prunes its output channels with them; a grouped convolution removes
     * the positions its groups lose alike from its {@code in/groups} weight columns, a grouped
     * transposed one the same number of rows from every group.
     *
     * @throws ai.bonsai.api.prune.PruningException naming the node if a grouped convolution's
     *     groups would lose channels at different positions (different numbers when transposed)
     */
    @Override
    public final void pruneIn(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        if (isDepthwise(node)) {
            pruneOut(editor, idxs);
        } else if (transposed && isGrouped(node)) {
            int groups = node.attributes().getInt("groups");
            ChannelGroups.requireEqualShares(node, GROUPED, idxs, node.parameter("weight").shape().get(0), groups);
            editor.removeIndices("weight", 0, idxs);
        } else if (isGrouped(node)) {
            int groups = node.attributes().getInt("groups");
            long in = node.parameter("weight").shape().get(1) * groups;
            editor.removeIndices("weight", 1,
                    ChannelGroups.commonPositions(node, GROUPED, idxs, in, groups));
        } else {
            editor.removeIndices("weight", transposed ? 0 : 1, idxs);
        }
    }

    @Override
    public final long macs(Node node) {
        Shape w = node.parameter("weight").shape();
        Shape out = node.output().shape();
        long positions = out.get(0) * out.slice(2).size();
        long outChannels = out.get(1);
        long groups = node.attributes().getLong("groups");
        long macs = w.slice(2).size() * node.input().shape().get(1) * (outChannels / groups)
                * positions;
        return node.hasParameter("bias") ? macs + outChannels * positions : macs;
    }

    /** Output channels are the weight's rows (columns when transposed), input channels the other
     * dimension; a depthwise convolution is one {@link ChannelScoring.Kind#DEPTHWISE} member. */
    @Override
    public Optional<ChannelScoring> scoring(Node node, PruningHandle handle) {
        Optional<String> bias = node.hasParameter("bias") ? Optional.of("bias") : Optional.empty();
        if (isDepthwise(node)) {
            return Optional.of(new ChannelScoring(ChannelScoring.Kind.DEPTHWISE, "weight", bias, 0));
        }
        boolean out = handle == PruningHandle.PRUNE_OUT;
        int dim = out == transposed ? 1 : 0;
        return Optional.of(out ? ChannelScoring.outChannels(dim, bias)
                : ChannelScoring.inChannels(dim));
    }

    @Override
    public boolean isDefaultRoot(Node node) {
        return true;
    }

    @Override
    public OptionalInt observedInputChannelDim(Node node) {
        return OptionalInt.of(1);
    }

    /** A grouped (not depthwise) convolution keeps its {@code groups}: channels leave evenly. */
    @Override
    public int channelGroups(Node node, PruningHandle handle) {
        return isDepthwise(node) ? 1 : node.attributes().getInt("groups");
    }
}
