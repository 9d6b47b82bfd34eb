package ai.bonsai.core.pruner;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import java.util.List;

/**
 * A group handed out by a pruning run: pruning or masking it first lets the criterion that chose
 * it compensate ({@link ImportanceCriterion#beforePrune}).
 */
final class CompensatedGroup implements Group {

    private final Group group;
    private final ImportanceCriterion criterion;

    CompensatedGroup(Group group, ImportanceCriterion criterion) {
        this.group = group;
        this.criterion = criterion;
    }

    @Override
    public List<GroupMember> members() {
        return group.members();
    }

    @Override
    public void prune() {
        criterion.beforePrune(group);
        group.prune();
    }

    @Override
    public void mask() {
        criterion.beforePrune(group);
        group.mask();
    }

    @Override
    public String toString() {
        return group.toString();
    }
}
