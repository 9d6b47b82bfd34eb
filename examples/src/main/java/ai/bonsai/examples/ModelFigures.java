package ai.bonsai.examples;

import ai.bonsai.core.count.ModelCost;

/**
 * What the experiment measures of one model.
 *
 * @param accuracy top-1 accuracy on the test images, in [0, 1]
 * @param cost parameters and MACs of one image
 * @param latencyMillis median CPU latency of a forward pass at batch 1
 * @param batchLatencyMillis CPU latency of a forward pass at the experiment's latency batch size
 */
public record ModelFigures(double accuracy, ModelCost cost, double latencyMillis,
        double batchLatencyMillis) {
}
