package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.ops.ConvolutionOp;
import java.util.Optional;

/**
 * A group member that criteria can score: its role, the parameters that carry its channels, and
 * where the channels lie in the weight.
 *
 * <p>Torch-Pruning's rules decide the role ({@link #of(GroupMember)}): convolutions (transposed
 * included) and linear layers through their output or input handle, affine batch norms and
 * affine layer norms through their output. Depthwise convolutions, group and instance norms are
 * classified too ({@link Role#DEPTHWISE}, {@link Role#OTHER_NORM}), but Torch-Pruning's criteria
 * never score them: they count only when a criterion is built with {@code scoreAllMembers}.
 *
 * @param member the group member
 * @param role what kind of member it is
 * @param weight the parameter scored per channel
 * @param bias the bias, when the node has one
 * @param channelDim the weight dimension holding the member's channels (0 or 1)
 */
public record ScoredMember(
        GroupMember member, Role role, Parameter weight, Optional<Parameter> bias, int channelDim) {

    /** What kind of member a scored member is. */
    public enum Role {
        /** Output channels of a convolution or linear layer (not depthwise). */
        OUT,
        /** Input channels of a convolution or linear layer (not depthwise). */
        IN,
        /** An affine batch norm. */
        BATCH_NORM,
        /** An affine layer norm. */
        LAYER_NORM,
        /** An affine group or instance norm (scored only with {@code scoreAllMembers}). */
        OTHER_NORM,
        /** A depthwise convolution's channels (scored only with {@code scoreAllMembers}). */
        DEPTHWISE
    }

    /**
     * Classifies a member.
     *
     * @param m the member
     * @return the scored member, or empty when no criterion scores this kind of member
     */
    public static Optional<ScoredMember> of(GroupMember m) {
        Node node = m.node();
        String op = node.op().name();
        if (!node.hasParameter("weight")) {
            return Optional.empty();
        }
        Parameter weight = node.parameter("weight");
        Optional<Parameter> bias = node.hasParameter("bias")
                ? Optional.of(node.parameter("bias")) : Optional.empty();
        boolean out = m.handle() == PruningHandle.PRUNE_OUT;
        boolean conv = ConvolutionOp.isConvolution(node);
        if (conv && ConvolutionOp.isDepthwise(node)) {
            return Optional.of(new ScoredMember(m, Role.DEPTHWISE, weight, bias, 0));
        }
        if (conv || "linear".equals(op)) {
            boolean transposed = conv && ((ConvolutionOp) node.op()).isTransposed();
            int dim = out == transposed ? 1 : 0;
            return Optional.of(new ScoredMember(m, out ? Role.OUT : Role.IN, weight,
                    out ? bias : Optional.empty(), dim));
        }
        if (!out) {
            return Optional.empty();
        }
        switch (op) {
            case "batch_norm":
                return Optional.of(new ScoredMember(m, Role.BATCH_NORM, weight, bias, 0));
            case "layer_norm":
                return Optional.of(new ScoredMember(m, Role.LAYER_NORM, weight, bias, 0));
            case "group_norm":
            case "instance_norm":
                return Optional.of(new ScoredMember(m, Role.OTHER_NORM, weight, bias, 0));
            default:
                return Optional.empty();
        }
    }

    /**
     * Picks the member's channels from per-channel values of its weight. A grouped convolution's
     * input handle sees {@code in / groups} values, repeated for every group (Torch-Pruning's
     * {@code repeat(groups)}), hence the index is taken modulo their number.
     *
     * @param perChannel one value per channel of {@link #channelDim()}
     * @return the values of the member's indices, aligned with {@code member().idxs()}
     */
    public float[] select(float[] perChannel) {
        float[] s = new float[member.idxs().size()];
        for (int k = 0; k < s.length; k++) {
            s[k] = perChannel[member.idxs().get(k) % perChannel.length];
        }
        return s;
    }
}
