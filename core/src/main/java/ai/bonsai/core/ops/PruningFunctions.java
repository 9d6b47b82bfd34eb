package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.graph.CheckingNodeEditor;
import ai.bonsai.core.graph.DefaultNodeEditor;
import java.util.Set;

/**
 * Torch-Pruning's low-level pruning functions ({@code tp.prune_conv_out_channels(layer, idxs)}
 * and the rest, 22 plus the LSTM pair) for users who prune layer by layer without DepGraph: each
 * prunes one node of a graph through its {@link ai.bonsai.api.op.OpType} and nothing else.
 *
 * <pre>{@code
 * PruningFunctions.pruneConvOutChannels(graph, "conv1", IndexSet.of(2, 6, 9));
 * PruningFunctions.pruneBatchnormOutChannels(graph, "bn1", IndexSet.of(2, 6, 9));
 * PruningFunctions.pruneConvInChannels(graph, "conv2", IndexSet.of(2, 6, 9));
 * }</pre>
 *
 * <p>Each call checks the node's op type, the indices (in range, at least one channel left) and
 * the op type's own conditions (a dry run) before anything changes. As with Torch-Pruning, the
 * layers coupled to the pruned one are the caller's job, and the values between layers keep their
 * shapes until the caller re-infers them with {@link
 * ai.bonsai.core.graph.DefaultGraph#refresh()} once every coupled
 * layer is pruned (it names the first node still inconsistent); call it before pruning the same
 * layers again. {@link ai.bonsai.core.depgraph.DependencyGraph} does all of this in one group
 * instead.
 *
 * <p>As in Torch-Pruning, the "in" functions of ops whose input and output channels are one
 * (norms, PReLU, depthwise convolutions, attention, parameters, embeddings) do the same as the
 * "out" functions.
 */
public final class PruningFunctions {

    private static final Set<String> CONVOLUTIONS =
            Set.of("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d");

    private PruningFunctions() {
    }

    /** Which side of a node a function prunes. */
    private enum Side {
        OUT, IN
    }

    /**
     * Removes output channels of a (non-depthwise) convolution: weight rows (columns of a
     * transposed convolution's weight), bias entries, {@code out_channels}.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     * @throws PruningException naming the node if it is no such convolution or an index is wrong
     */
    public static void pruneConvOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(convolution(graph, node, false, "pruneConvOutChannels"), idxs, Side.OUT,
                "pruneConvOutChannels");
    }

    /**
     * Removes input channels of a (non-depthwise) convolution: weight columns (rows of a
     * transposed convolution's weight).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     * @throws PruningException naming the node if it is no such convolution or an index is wrong
     */
    public static void pruneConvInChannels(Graph graph, String node, IndexSet idxs) {
        prune(convolution(graph, node, false, "pruneConvInChannels"), idxs, Side.IN,
                "pruneConvInChannels");
    }

    /**
     * Removes channels of a depthwise convolution (weight rows, bias, {@code out_channels} and
     * {@code groups}).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     * @throws PruningException naming the node if it is not depthwise or an index is wrong
     */
    public static void pruneDepthwiseConvOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(convolution(graph, node, true, "pruneDepthwiseConvOutChannels"), idxs,
                Side.OUT, "pruneDepthwiseConvOutChannels");
    }

    /**
     * The same as {@link #pruneDepthwiseConvOutChannels}: a depthwise convolution's input
     * channels are its output channels.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneDepthwiseConvInChannels(Graph graph, String node, IndexSet idxs) {
        prune(convolution(graph, node, true, "pruneDepthwiseConvInChannels"), idxs,
                Side.IN, "pruneDepthwiseConvInChannels");
    }

    /**
     * Removes channels of a batch norm (weight, bias, running statistics).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneBatchnormOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "batch_norm", idxs, Side.OUT, "pruneBatchnormOutChannels");
    }

    /**
     * The same as {@link #pruneBatchnormOutChannels}.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneBatchnormInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "batch_norm", idxs, Side.IN, "pruneBatchnormInChannels");
    }

    /**
     * Removes output features of a linear layer (weight rows, bias, {@code out_features}).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the features to remove
     */
    public static void pruneLinearOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "linear", idxs, Side.OUT, "pruneLinearOutChannels");
    }

    /**
     * Removes input features of a linear layer (weight columns).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the features to remove
     */
    public static void pruneLinearInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "linear", idxs, Side.IN, "pruneLinearInChannels");
    }

    /**
     * Removes channels of a PReLU with one slope per channel (a shared slope stays).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void prunePreluOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "prelu", idxs, Side.OUT, "prunePreluOutChannels");
    }

    /**
     * The same as {@link #prunePreluOutChannels}.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void prunePreluInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "prelu", idxs, Side.IN, "prunePreluInChannels");
    }

    /**
     * Removes features of a layer norm over the last dimension (weight, bias, {@code
     * normalized_shape}).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the features to remove
     */
    public static void pruneLayernormOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "layer_norm", idxs, Side.OUT, "pruneLayernormOutChannels");
    }

    /**
     * The same as {@link #pruneLayernormOutChannels}.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the features to remove
     */
    public static void pruneLayernormInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "layer_norm", idxs, Side.IN, "pruneLayernormInChannels");
    }

    /**
     * Removes embedding dimensions (columns of the table, {@code embedding_dim}).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the dimensions to remove
     */
    public static void pruneEmbeddingOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "embedding", idxs, Side.OUT, "pruneEmbeddingOutChannels");
    }

    /**
     * The same as {@link #pruneEmbeddingOutChannels}, as in Torch-Pruning (an embedding's input
     * holds indices, not channels).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the dimensions to remove
     */
    public static void pruneEmbeddingInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "embedding", idxs, Side.OUT, "pruneEmbeddingInChannels");
    }

    /**
     * Removes entries of a raw parameter ({@code parameter} node: class token, positional
     * embedding, layer scale) along its channel dimension.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneParameterOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "parameter", idxs, Side.OUT, "pruneParameterOutChannels");
    }

    /**
     * The same as {@link #pruneParameterOutChannels}, as in Torch-Pruning.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneParameterInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "parameter", idxs, Side.OUT, "pruneParameterInChannels");
    }

    /**
     * Removes embedding channels of a multi-head attention (see {@link MultiheadAttentionOp}):
     * whole heads, or the same number of channels in every head.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the embedding channels to remove
     */
    public static void pruneMultiheadAttentionOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "multihead_attention", idxs, Side.OUT,
                "pruneMultiheadAttentionOutChannels");
    }

    /**
     * The same as {@link #pruneMultiheadAttentionOutChannels}.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the embedding channels to remove
     */
    public static void pruneMultiheadAttentionInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "multihead_attention", idxs, Side.IN,
                "pruneMultiheadAttentionInChannels");
    }

    /**
     * Removes whole heads of a multi-head attention: their embedding channels, and {@code
     * num_heads} drops by their number (Bonsai's addition; Torch-Pruning's pruner chooses the
     * channels of whole heads itself).
     *
     * @param graph the graph
     * @param node the node name
     * @param heads the heads to remove
     */
    public static void pruneMultiheadAttentionHeads(Graph graph, String node, IndexSet heads) {
        pruneMultiheadAttentionOutChannels(graph, node,
                MultiheadAttentionOp.headChannels(kind(graph, node, "multihead_attention",
                        "pruneMultiheadAttentionHeads"), heads));
    }

    /**
     * Removes channels of a group norm (weight, bias; {@code num_groups} stays, so the count left
     * must stay divisible by it).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneGroupnormOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "group_norm", idxs, Side.OUT, "pruneGroupnormOutChannels");
    }

    /**
     * The same as {@link #pruneGroupnormOutChannels}.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneGroupnormInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "group_norm", idxs, Side.IN, "pruneGroupnormInChannels");
    }

    /**
     * Removes channels of an instance norm (its affine parameters, if any).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneInstancenormOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "instance_norm", idxs, Side.OUT, "pruneInstancenormOutChannels");
    }

    /**
     * The same as {@link #pruneInstancenormOutChannels}.
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the channels to remove
     */
    public static void pruneInstancenormInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "instance_norm", idxs, Side.IN, "pruneInstancenormInChannels");
    }

    /**
     * Removes hidden units of an LSTM in every layer and direction (see {@link LstmOp}).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the hidden units to remove
     */
    public static void pruneLstmOutChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "lstm", idxs, Side.OUT, "pruneLstmOutChannels");
    }

    /**
     * Removes input features of an LSTM (columns of the first layer's input weights).
     *
     * @param graph the graph
     * @param node the node name
     * @param idxs the input features to remove
     */
    public static void pruneLstmInChannels(Graph graph, String node, IndexSet idxs) {
        prune(graph, node, "lstm", idxs, Side.IN, "pruneLstmInChannels");
    }

    private static Node convolution(Graph graph, String name, boolean depthwise, String function) {
        Node node = graph.node(name);
        if (!CONVOLUTIONS.contains(node.op().name())) {
            throw new PruningException(function + ": node '" + name + "' is a "
                    + node.op().name() + ", not a convolution");
        }
        if (ConvolutionOp.isDepthwise(node) != depthwise) {
            throw new PruningException(function + ": node '" + name + "' is "
                    + (depthwise ? "not " : "") + "a depthwise convolution; use "
                    + (depthwise ? "pruneConv" : "pruneDepthwiseConv")
                    + (function.contains("Out") ? "OutChannels" : "InChannels"));
        }
        return node;
    }

    private static void prune(Graph graph, String name, String opType, IndexSet idxs, Side side,
            String function) {
        prune(kind(graph, name, opType, function), idxs, side, function);
    }

    private static Node kind(Graph graph, String name, String opType, String function) {
        Node node = graph.node(name);
        if (!node.op().name().equals(opType)) {
            throw new PruningException(function + ": node '" + name + "' is a "
                    + node.op().name() + ", not a " + opType);
        }
        return node;
    }

    private static void prune(Node node, IndexSet idxs, Side side, String function) {
        ChannelSemantics sem = node.op().channels(node);
        int n = side == Side.OUT || sem.coupling() == Coupling.COUPLED
                ? sem.outChannels() : sem.inChannels();
        String where = function + " on '" + node.name() + "' (" + node.op().name() + ")";
        if (sem.coupling() == Coupling.OPAQUE || n == 0) {
            throw new PruningException(where + ": the node has no prunable "
                    + (side == Side.OUT ? "output" : "input") + " channels");
        }
        if (idxs.max() >= n) {
            throw new PruningException(where + ": index " + idxs.max() + " is out of range for "
                    + n + " channels");
        }
        if (idxs.size() >= n) {
            throw new PruningException(where + ": would remove all " + n
                    + " channels; at least one must remain");
        }
        if (idxs.isEmpty()) {
            return;
        }
        try {
            apply(node, new CheckingNodeEditor(node), idxs, side);
        } catch (PruningException e) {
            throw new PruningException(where + ": " + e.getMessage());
        }
        apply(node, new DefaultNodeEditor(node), idxs, side);
    }

    private static void apply(Node node, NodeEditor editor, IndexSet idxs, Side side) {
        if (side == Side.OUT) {
            node.op().pruneOut(editor, idxs);
        } else {
            node.op().pruneIn(editor, idxs);
        }
    }
}
