package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import java.util.Arrays;

/**
 * Channels split into equal groups of consecutive channels (a group norm's groups, attention
 * heads): pruning must remove whole groups, or the same number of channels from every group.
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
        int perGroup = Math.toIntExact(channels / groups);
        int[] removed = new int[groups];
        idxs.stream().forEach(i -> removed[i / perGroup]++);
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
}
