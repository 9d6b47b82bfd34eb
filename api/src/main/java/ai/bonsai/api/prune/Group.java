package ai.bonsai.api.prune;

import java.util.List;

/**
 * A set of coupled pruning operations that must be applied together: pruning the root's
 * channels forces every other member's.
 *
 * <p>Members are listed root first, in the order the dependency graph reached them; the
 * string form prints one member per line in Torch-Pruning's format, {@code [k] prune_out_channels
 * on A => prune_in_channels on B, idxs=[...]}.
 */
public interface Group {

    /**
     * Returns the members, root first.
     *
     * @return the members
     */
    List<GroupMember> members();

    /**
     * Returns the root member.
     *
     * @return member 0
     */
    default GroupMember root() {
        return members().get(0);
    }

    /**
     * Removes every member's channels physically; the graph's shapes stay consistent.
     *
     * @throws PruningException if the group would leave a node with zero channels
     */
    void prune();

    /**
     * Applies the same group as masks (soft pruning): the entries that {@link #prune()} would
     * remove are set to zero, and every shape and attribute stays unchanged, for users who need
     * the original shapes (for example to fine-tune with a fixed architecture).
     *
     * <pre>{@code
     * Group g = dg.getPruningGroup(graph.node("conv1"), PruningHandle.PRUNE_OUT, IndexSet.of(2, 6));
     * g.mask();   // conv1's rows 2 and 6 (and every coupled slice) are now zero
     * }</pre>
     *
     * @throws PruningException if the group would leave a node with zero channels
     */
    void mask();
}
