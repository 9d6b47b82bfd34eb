package ai.bonsai.core.importance;

/**
 * The options every group criterion shares.
 *
 * @param reduction how member scores combine per root channel
 * @param normalizer how the group's scores are normalized
 * @param bias whether biases (and norm shifts) add a term of their own, as Torch-Pruning's
 *     {@code bias=True}
 * @param scoreAllMembers score every member with a weight, including those Torch-Pruning skips
 *     (depthwise convolutions, group and instance norms, and each criterion's own exclusions
 *     such as batch norms in Taylor)
 */
record ImportanceOptions(
        GroupReduction reduction, Normalizer normalizer, boolean bias, boolean scoreAllMembers) {
}
