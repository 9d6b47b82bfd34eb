package ai.bonsai.core.embed;

import java.util.List;

/**
 * One group a pruning run pruned.
 *
 * @param step the step, from 1
 * @param root the root node's name
 * @param channels the root channels removed
 * @param members the names of the nodes the group touched, root first
 */
public record PrunedGroup(int step, String root, int channels, List<String> members) {

    /**
     * Copies the list.
     */
    public PrunedGroup {
        members = List.copyOf(members);
    }
}
