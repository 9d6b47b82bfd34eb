package ai.bonsai.api.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.Group;
import java.util.Iterator;
import java.util.Optional;

/** A pruning run in progress: steps of a schedule over one graph. */
public interface PruningRun {

    /**
     * Returns the number of steps in the schedule.
     *
     * @return the steps
     */
    int steps();

    /**
     * Returns the number of steps taken so far.
     *
     * @return the current step
     */
    int currentStep();

    /**
     * Tells whether steps remain.
     *
     * @return true if {@link #currentStep()} is below {@link #steps()}
     */
    default boolean hasNextStep() {
        return currentStep() < steps();
    }

    /**
     * Takes the next step: prunes every group it selects.
     *
     * @throws ai.bonsai.api.prune.PruningException if no step remains
     */
    default void step() {
        Iterator<Group> groups = stepInteractive();
        while (groups.hasNext()) {
            groups.next().prune();
        }
    }

    /**
     * Takes the next step interactively: yields the groups one by one, each computed on the
     * graph as pruned so far; the caller decides whether to call {@link Group#prune()}.
     *
     * @return the groups of this step
     */
    Iterator<Group> stepInteractive();

    /**
     * Returns the graph that replaced the one given to {@link Pruner#start}, for runs that
     * rebuild the model (removing whole decoder layers, say) instead of pruning it in place: the
     * groups of later steps belong to it, and it is the run's result. The caller owns it, and
     * still owns (and closes) the graph it passed to {@code start}. The default, for runs that
     * prune in place, is empty.
     *
     * @return the new graph, once the run made one
     */
    default Optional<Graph> rebuilt() {
        return Optional.empty();
    }
}
