package ai.bonsai.api.prune;

import ai.bonsai.api.graph.Node;

/**
 * One member of a pruning {@link Group}: a node, the handle to apply, the indices in that
 * handle's channel space, and for each index the root index it derives from.
 *
 * @param node the node to prune
 * @param handle the handle applied to it
 * @param idxs the indices to remove, ascending
 * @param rootIdxs for each position of {@code idxs}, the root channel it comes from
 * @param source the node whose pruning triggered this member (the root for the first member)
 * @param trigger the handle applied on {@code source}
 */
public record GroupMember(
        Node node,
        PruningHandle handle,
        IndexSet idxs,
        int[] rootIdxs,
        Node source,
        PruningHandle trigger) {

    /**
     * Validates that {@code rootIdxs} is aligned with {@code idxs} and takes a defensive copy.
     */
    public GroupMember {
        if (rootIdxs.length != idxs.size()) {
            throw new IllegalArgumentException(
                    "rootIdxs has " + rootIdxs.length + " entries for " + idxs.size() + " idxs");
        }
        rootIdxs = rootIdxs.clone();
    }

    /**
     * Returns a copy of the root indices, aligned with {@link #idxs()}.
     *
     * @return the root indices
     */
    @Override
    public int[] rootIdxs() {
        return rootIdxs.clone();
    }

    /**
     * Returns the root index of the k-th pruned index.
     *
     * @param k the position in {@link #idxs()}
     * @return the root index
     */
    public int rootIdx(int k) {
        return rootIdxs[k];
    }

    @Override
    public String toString() {
        return trigger.label() + " on " + source.name() + " => " + handle.label() + " on "
                + node.name() + ", idxs=" + idxs;
    }
}
