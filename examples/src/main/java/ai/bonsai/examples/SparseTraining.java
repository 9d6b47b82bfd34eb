package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;

/**
 * A sparse-training hook: called after each backward pass, before the optimizer step, with the
 * gradients of the batch on the graph's parameters. A regularizer adds its term to those
 * gradients (BN-scale L1, DepGraph's group lasso).
 *
 * <pre>{@code
 * SparseTraining groupNorm = graph -> regularizer.regularize(graph);
 * }</pre>
 */
@FunctionalInterface
public interface SparseTraining {

    /**
     * Runs after the backward pass of one training batch.
     *
     * @param graph the graph being trained; {@code parameter.array().getGradient()} holds the
     *     batch's gradients
     */
    void afterBackward(Graph graph);
}
