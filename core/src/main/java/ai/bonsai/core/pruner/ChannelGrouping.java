package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many equal channel groups a pruning group's root channels form: the largest number any
 * member asks for, through the config's channel groups, its attention heads (current count), a
 * grouped convolution's {@code groups} (depthwise excluded, as Torch-Pruning) or a group norm's
 * {@code num_groups}. Scores are averaged over the groups, and the positions chosen in one group
 * are removed from every group, so all groups keep the same size.
 */
final class ChannelGrouping {

    private final PruningConfig config;
    private final Map<String, Integer> heads = new HashMap<>();

    ChannelGrouping(PruningConfig config) {
        this.config = config;
    }

    /**
     * Returns the channel groups of a pruning group.
     *
     * @param group the group
     * @param channels its number of root channels
     * @return the number of groups (1 when none)
     * @throws PruningException if the groups do not divide the root channels
     */
    int of(Group group, int channels) {
        int groups = 1;
        for (GroupMember m : group.members()) {
            groups = Math.max(groups, of(m));
        }
        if (channels % groups != 0) {
            throw new PruningException("group of '" + group.root().node().name() + "' has "
                    + channels + " channels, not a multiple of its " + groups + " channel groups");
        }
        return groups;
    }

    private int of(GroupMember m) {
        Node n = m.node();
        boolean out = m.handle() == PruningHandle.PRUNE_OUT;
        int groups = config.channelGroupsFor(n.name(), out).orElse(1);
        if (out) {
            groups = Math.max(groups, heads(n).orElse(1));
        }
        return Math.max(groups, n.op().channelGroups(n, m.handle()));
    }

    /**
     * Returns a node's current number of attention heads, if the config declares it.
     *
     * @param node the node
     * @return the heads
     */
    Optional<Integer> heads(Node node) {
        Optional<Integer> declared = config.numHeadsFor(node.name());
        return declared.map(d -> heads.computeIfAbsent(node.name(), k -> d));
    }

    /**
     * Records that heads were removed from a node.
     *
     * @param node the node
     * @param removed how many
     */
    void removeHeads(Node node, int removed) {
        heads(node).ifPresent(h -> heads.put(node.name(), h - removed));
    }

    /**
     * Averages scores over channel groups: {@code scores} viewed as {@code [groups, size]},
     * averaged over the first dimension.
     *
     * @param scores the group's scores
     * @param groups the number of channel groups
     * @return {@code size} averaged scores
     */
    static double[] average(double[] scores, int groups) {
        if (groups == 1) {
            return scores;
        }
        int size = scores.length / groups;
        double[] avg = new double[size];
        for (int i = 0; i < size; i++) {
            float sum = 0;
            for (int g = 0; g < groups; g++) {
                sum += (float) scores[g * size + i];
            }
            avg[i] = sum / groups;
        }
        return avg;
    }
}
