package ai.bonsai.cli;

import ai.bonsai.core.count.ModelCost;
import ai.djl.ndarray.types.Shape;

/**
 * The figures of one {@link Demo} run.
 *
 * @param before params and MACs of the original model
 * @param after params and MACs of the pruned model
 * @param latencyBeforeMillis median forward latency of the original model, batch 1
 * @param latencyAfterMillis median forward latency of the pruned model, batch 1
 * @param outputBefore the original model's output shape
 * @param outputAfter the pruned model's output shape
 */
public record DemoReport(
        ModelCost before,
        ModelCost after,
        double latencyBeforeMillis,
        double latencyAfterMillis,
        Shape outputBefore,
        Shape outputAfter) {

    /**
     * Tells whether pruning left the output shape as it was.
     *
     * @return true if the shapes are equal
     */
    public boolean outputShapeUnchanged() {
        return outputBefore.equals(outputAfter);
    }
}
