package ai.bonsai.diffusion;

/**
 * How many channels a pruning ratio removes from layers whose channels a GroupNorm splits into
 * groups (channels are always removed alike in every norm group, so {@code num_groups} stays
 * valid).
 */
public enum GroupNormMode {

    /**
     * Torch-Pruning's numbers (the default): each norm group keeps {@code int(c_per_group · (1 −
     * ratio))} channels, so with 4 channels per group, 30 % removes 2 of 4 (50 %).
     */
    TORCH_PRUNING,

    /**
     * The feasible ratio nearest to the one asked: each norm group loses {@code round(c_per_group
     * · ratio)} channels (at least one is kept), within one channel per norm group of the
     * request; {@link ExactNormRatios} reports the ratio each layer gets.
     */
    EXACT
}
