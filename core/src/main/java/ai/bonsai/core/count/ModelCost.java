package ai.bonsai.core.count;

/**
 * The size and cost of a model at its current shapes.
 *
 * @param params trainable parameter elements (running statistics excluded)
 * @param macs multiply-accumulates of one forward pass
 */
public record ModelCost(long params, long macs) {
}
