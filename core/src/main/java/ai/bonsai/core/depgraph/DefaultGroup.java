package ai.bonsai.core.depgraph;

import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import java.util.List;

/** A group produced by a {@link DependencyGraph}; pruning and masking go back through it. */
final class DefaultGroup implements Group {

    private static final String RULE = "--------------------------------";

    private final DependencyGraph owner;
    private final List<GroupMember> members;

    DefaultGroup(DependencyGraph owner, List<GroupMember> members) {
        this.owner = owner;
        this.members = List.copyOf(members);
    }

    @Override
    public List<GroupMember> members() {
        return members;
    }

    @Override
    public void prune() {
        owner.prune(this);
    }

    @Override
    public void mask() {
        owner.mask(this);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(RULE).append('\n').append("          Pruning Group\n").append(RULE).append('\n');
        for (int k = 0; k < members.size(); k++) {
            sb.append('[').append(k).append("] ").append(members.get(k)).append('\n');
        }
        return sb.append(RULE).toString();
    }
}
