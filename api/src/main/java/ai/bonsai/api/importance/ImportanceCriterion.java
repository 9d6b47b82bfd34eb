package ai.bonsai.api.importance;

import ai.bonsai.api.prune.Group;
import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * Scores the channels of a pruning group: low scores are pruned first.
 *
 * <pre>{@code
 * Optional<double[]> scores = criterion.score(group);
 * // scores.get()[k] belongs to root channel group.root().idxs().get(k)
 * }</pre>
 */
public interface ImportanceCriterion extends ExtensionPoint {

    /**
     * Returns the criterion's registry name ({@code magnitude}, {@code taylor}, ...).
     *
     * @return the name
     */
    String name();

    /**
     * Scores a group.
     *
     * @param group the group
     * @return one score per root index, aligned with {@code group.root().idxs()}; empty when no
     *     member of the group is something this criterion scores (the group is then not pruned)
     */
    Optional<double[]> score(Group group);
}
