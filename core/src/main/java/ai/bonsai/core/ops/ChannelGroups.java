package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Channels split into equal groups of consecutive channels (a group norm's groups, attention
 * heads, a grouped convolution's groups): pruning must remove whole groups, or the same number of
 * channels from every group.
 */
final class ChannelGroups {

    private ChannelGroups() {
    }

    /**
     * Returns the number of groups left once channels are removed.
     *
     * @param node the node, for the message
     * @param what what needs the groups, for the message ({@code group norm})
     * @param unit the name of one group, for the message ({@code group}, {@code head})
     * @param idxs the removed channels
     * @param channels the channel count
     * @param groups the group count
     * @return the groups left: fewer when whole groups go, the same when every group loses the
     *     same number of channels
     * @throws PruningException naming the node for any other selection
     */
    static long remaining(Node node, String what, String unit, IndexSet idxs, long channels, int groups) {
        int[] removed = removedPerGroup(idxs, channels, groups);
        int perGroup = Math.toIntExact(channels / groups);
        boolean equal = Arrays.stream(removed).allMatch(r -> r == removed[0]);
        boolean whole = Arrays.stream(removed).allMatch(r -> r == 0 || r == perGroup);
        if (!equal && !whole) {
            throw new PruningException("node '" + node.name() + "' (" + node.op().name() + "): "
                    + what + " needs whole " + unit + "s or an equal number of channels from every "
                    + unit + ", the removed channels " + idxs + " take " + Arrays.toString(removed)
                    + " from its " + groups + " " + unit + "s of " + perGroup);
        }
        return equal ? groups : groups - Arrays.stream(removed).filter(r -> r == perGroup).count();
    }

    /**
     * Checks that every group loses the same number of channels (a grouped convolution's output
     * channels: each group keeps computing its own outputs from its own inputs).
     *
     * @param node the node, for the message
     * @param what what needs the groups, for the message ({@code grouped convolution})
     * @param idxs the removed channels
     * @param channels the channel count
     * @param groups the group count
     * @throws PruningException naming the node unless every group loses as many channels
     */
    static void requireEqualShares(Node node, String what, IndexSet idxs, long channels, int groups) {
        int[] removed = removedPerGroup(idxs, channels, groups);
        if (Arrays.stream(removed).anyMatch(r -> r != removed[0])) {
            throw new PruningException("node '" + node.name() + "' (" + node.op().name() + "): "
                    + what + " needs an equal number of channels from each of its " + groups
                    + " groups of " + channels / groups + ", the removed channels " + idxs
                    + " take " + Arrays.toString(removed));
        }
    }

    /**
     * Returns the positions inside one group of channels removed at the same positions from
     * every group (a grouped convolution's input channels: its weight holds one slice per
     * position, shared by all groups).
     *
     * @param node the node, for the message
     * @param what what needs the groups, for the message ({@code grouped convolution})
     * @param idxs the removed channels
     * @param channels the channel count
     * @param groups the group count
     * @return the removed positions, each in {@code [0, channels / groups)}
     * @throws PruningException naming the node unless every group loses the same positions
     */
    static IndexSet commonPositions(Node node, String what, IndexSet idxs, long channels, int groups) {
        int perGroup = Math.toIntExact(channels / groups);
        TreeSet<Integer> positions = new TreeSet<>();
        idxs.stream().forEach(i -> positions.add(i % perGroup));
        if (idxs.size() != positions.size() * groups) {
            throw new PruningException("node '" + node.name() + "' (" + node.op().name() + "): "
                    + what + " needs the same positions removed from each of its " + groups
                    + " groups of " + perGroup + ", the removed channels " + idxs + " are not");
        }
        return IndexSet.of(positions);
    }

    private static int[] removedPerGroup(IndexSet idxs, long channels, int groups) {
        int perGroup = Math.toIntExact(channels / groups);
        int[] removed = new int[groups];
        idxs.stream().forEach(i -> removed[i / perGroup]++);
        return removed;
    }
}
