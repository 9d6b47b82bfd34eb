package ai.bonsai.core.embed;

/**
 * How far a pruning run is.
 *
 * @param phase {@code calibrate} (batches), {@code search} (the budget's ratio), {@code prune}
 *     (steps)
 * @param done units of the phase finished
 * @param total units of the phase in all
 */
public record Progress(String phase, int done, int total) {
}
