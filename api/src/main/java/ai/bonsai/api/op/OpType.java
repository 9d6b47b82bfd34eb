package ai.bonsai.api.op;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.pf4j.ExtensionPoint;

/**
 * Everything Bonsai knows about one kind of node: parameters, shapes, forward, channel semantics,
 * pruning, cost, and its roles for the rest of the system (which parameters criteria score, whether
 * it roots groups by default, which activations calibrated criteria observe, its channel groups).
 * Criteria, regularizers and pruners ask the op type, never its name, so a user's custom layer —
 * one more {@code OpType} in a plugin jar — is scored and pruned exactly like a built-in one.
 *
 * <pre>{@code
 * @Extension
 * public final class ScaleOp implements OpType {
 *     public String name() { return "scale"; }
 *     public List<Shape> inferShapes(Node node, List<Shape> in) { return List.of(in.get(0)); }
 *     public NDList forward(Node node, NDList in, ForwardContext ctx) {
 *         return new NDList(in.head().mul(node.attributes().getDouble("factor")));
 *     }
 *     public ChannelSemantics channels(Node node) { return ChannelSemantics.passThrough(1, (int) node.input().shape().get(1));
 *     }
 * }
 * }</pre>
 */
public interface OpType extends ExtensionPoint {

    /**
     * Returns the op type id, the registry key ({@code conv2d}, {@code batch_norm}, ...).
     *
     * @return the name
     */
    String name();

    /**
     * Declares the parameters a node of this type owns, from its attributes and input shapes.
     *
     * @param attributes the node attributes
     * @param inputShapes the input shapes
     * @return the parameter declarations (empty by default)
     */
    default List<ParameterSpec> parameters(Attributes attributes, List<Shape> inputShapes) {
        return List.of();
    }

    /**
     * Infers the output shapes and validates inputs, attributes and parameter shapes.
     *
     * @param node the node (attributes and parameters are read from it)
     * @param inputShapes the current input shapes
     * @return the output shapes
     * @throws ai.bonsai.api.graph.GraphException naming the node when something is inconsistent
     */
    List<Shape> inferShapes(Node node, List<Shape> inputShapes);

    /**
     * Runs the node on DJL arrays; must stay differentiable (no detaching) so that gradient-based
     * criteria work.
     *
     * @param node the node
     * @param inputs the input arrays in slot order
     * @param context forward-pass settings
     * @return the outputs in slot order
     */
    NDList forward(Node node, NDList inputs, ForwardContext context);

    /**
     * Describes which dimensions carry channels and how input and output channels relate, for
     * the node's current shapes.
     *
     * @param node the node
     * @return the channel semantics
     */
    ChannelSemantics channels(Node node);

    /**
     * Removes output channels: updates parameters and attributes (shapes are re-inferred by the
     * caller). For coupled ops the same as {@link #pruneIn}.
     *
     * @param node an editor over the node
     * @param idxs the channels to remove, in the node's output channel space
     */
    default void pruneOut(NodeEditor node, IndexSet idxs) {
    }

    /**
     * Removes input channels (indices in the node's input channel space).
     *
     * @param node an editor over the node
     * @param idxs the channels to remove
     */
    default void pruneIn(NodeEditor node, IndexSet idxs) {
    }

    /**
     * Returns the multiply-accumulate count of one forward pass at the node's current shapes,
     * with the flops-counter conventions Torch-Pruning uses.
     *
     * @param node the node
     * @return the MACs
     */
    default long macs(Node node) {
        return 0;
    }

    /**
     * Tells importance criteria which parameter of a node carries the channels a group prunes on
     * one of its handles, and in what role. Nodes without a scored parameter (activations,
     * element-wise ops, reshapes) return empty: they follow the group without a score.
     *
     * @param node the node
     * @param handle the side of the node the group prunes
     * @return the scoring, or empty
     */
    default Optional<ChannelScoring> scoring(Node node, PruningHandle handle) {
        return Optional.empty();
    }

    /**
     * Tells whether a node's output channels start a group when the pruner is not told which op
     * types to use as roots (Torch-Pruning's default root modules: convolutions, linear layers,
     * LSTMs).
     *
     * @param node the node
     * @return true for a default root
     */
    default boolean isDefaultRoot(Node node) {
        return false;
    }

    /**
     * Returns the dimension of the node's first input whose channels activation-based criteria
     * (Wanda, FLAP, activation statistics) record for the node's input channels, or empty when
     * the node's inputs are not observed.
     *
     * @param node the node
     * @return the input channel dimension, or empty
     */
    default OptionalInt observedInputChannelDim(Node node) {
        return OptionalInt.empty();
    }

    /**
     * Returns into how many equal groups the node's channels on one handle fall (a grouped
     * convolution's groups, a group norm's groups): the pruner removes the same number of
     * channels from every group so that the node stays valid. 1 when channels are independent.
     *
     * @param node the node
     * @param handle the side of the node
     * @return the number of channel groups, at least 1
     */
    default int channelGroups(Node node, PruningHandle handle) {
        return 1;
    }

    /**
     * Returns the attention heads the node's channel space is laid out in, head-major (channel
     * {@code h·D + j} is dimension j of head h), or empty when its channels are not heads. When heads
     * are pruned, the pruner scores and chooses them in the space of such a member of a group, so
     * that a group whose root mixes heads (a packed q/k/v projection) still loses whole heads.
     *
     * @param node the node
     * @return the number of heads, or empty
     */
    default OptionalInt attentionHeads(Node node) {
        return OptionalInt.empty();
    }
}
