package ai.bonsai.api.importance;

import ai.bonsai.api.graph.Graph;
import ai.djl.ndarray.NDList;

/**
 * A criterion that needs data: gradients (Taylor, Hessian) or activations (Wanda, FLAP). Feed it
 * calibration batches with {@link #accumulate} before scoring; what it records belongs to the
 * graph as it is now, so after pruning {@link #reset()} it and accumulate again.
 *
 * <pre>{@code
 * CalibratedCriterion taylor = TaylorImportance.builder().build();
 * for (NDList batch : calibration) {
 *     taylor.accumulate(graph, batch);   // one forward + backward of the loss per batch
 * }
 * pruner.start(graph, PruningConfig.builder().setImportance(taylor).build()).step();
 * }</pre>
 */
public interface CalibratedCriterion extends ImportanceCriterion {

    /**
     * Runs the graph on one calibration batch and records what the criterion needs (the loss,
     * when there is one, is the criterion's own: by default the sum of every graph output).
     *
     * @param graph the graph to be pruned
     * @param inputs one array per graph input
     */
    void accumulate(Graph graph, NDList inputs);

    /**
     * Tells whether anything has been accumulated since the last reset.
     *
     * @return true if scoring can proceed
     */
    boolean isCalibrated();

    /** Forgets everything accumulated. */
    void reset();
}
