package ai.bonsai.api.importance;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.prune.Group;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
     * Returns a criterion of the same kind configured with named parameters (a config file's
     * {@code importance} section, such as {@code p: 1} or {@code normalizer: max}). The default
     * accepts no parameters.
     *
     * @param parameters the parameters by name
     * @return the configured criterion
     * @throws ai.bonsai.api.ConfigException naming the first unknown parameter or bad value
     */
    default ImportanceCriterion withParameters(Map<String, ?> parameters) {
        if (!parameters.isEmpty()) {
            throw new ConfigException("importance." + parameters.keySet().iterator().next(),
                    "criterion '" + name() + "' takes no parameters");
        }
        return this;
    }

    /**
     * Scores a group.
     *
     * @param group the group
     * @return one score per root index, aligned with {@code group.root().idxs()}; empty when no
     *     member of the group is something this criterion scores (the group is then not pruned)
     */
    Optional<double[]> score(Group group);

    /**
     * Called by pruners just before a group this criterion selected is pruned (or masked), so
     * that a criterion that compensates for removed channels (FLAP's bias compensation) can
     * adjust the parameters that stay. The default does nothing.
     *
     * @param group the group about to be pruned
     */
    default void beforePrune(Group group) {
    }

    /**
     * Scores several groups of one graph state at once, so that a criterion can share work
     * between them (a weight that is a member of two groups is read once). The default scores
     * them one by one.
     *
     * @param groups the groups, all taken from the graph as it is now
     * @return one result per group, in order
     */
    default List<Optional<double[]>> scoreAll(List<Group> groups) {
        List<Optional<double[]>> out = new ArrayList<>(groups.size());
        for (Group g : groups) {
            out.add(score(g));
        }
        return out;
    }

    /**
     * Declares the named parameters {@link #withParameters} accepts, so that a plan is validated
     * before any work starts and listings can show them. The default declares none.
     *
     * @return the declarations, in a stable order
     */
    default List<ParameterDeclaration> parameters() {
        return List.of();
    }

    /**
     * Returns other names this criterion answers to, each with the parameters it implies (such as
     * {@code l1 -> {p: 1}} for the magnitude criterion). The default has none.
     *
     * @return parameters by alias
     */
    default Map<String, Map<String, Object>> aliases() {
        return Map.of();
    }
}
