package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.prune.GroupMember;
import java.util.Optional;

/**
 * A group member that criteria can score: its role, the parameters that carry its channels, and
 * where the channels lie in the weight.
 *
 * <p>The member's op type decides ({@link ai.bonsai.api.op.OpType#scoring}): built-in
 * convolutions (transposed included) and linear layers through their output or input handle,
 * affine norms through their output, as Torch-Pruning. Depthwise convolutions, group and instance
 * norms are classified too ({@link Kind#DEPTHWISE}, {@link Kind#OTHER_NORM}), but Torch-Pruning's
 * criteria never score them: they count only when a criterion is built with {@code
 * scoreAllMembers}.
 *
 * @param member the group member
 * @param role what kind of member it is
 * @param weight the parameter scored per channel
 * @param bias the bias, when the node has one
 * @param channelDim the weight dimension holding the member's channels (0 or 1)
 */
public record ScoredMember(
        GroupMember member, Kind role, Parameter weight, Optional<Parameter> bias, int channelDim) {

    /**
     * Classifies a group member through its op type's {@link
     * ai.bonsai.api.op.OpType#scoring}: members whose op type scores nothing on that handle, or
     * whose scored parameter is absent, are not scored.
     *
     * @param m the member
     * @return the scored member, or empty
     */
    public static Optional<ScoredMember> of(GroupMember m) {
        Node node = m.node();
        return node.op().scoring(node, m.handle())
                .filter(s -> node.hasParameter(s.weight()))
                .map(s -> new ScoredMember(m, s.kind(), node.parameter(s.weight()),
                        s.bias().filter(node::hasParameter).map(node::parameter), s.channelDim()));
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
