package ai.bonsai.api.pruner;

/**
 * A cost target for a pruning run, beyond Torch-Pruning: remove channels until the model's MACs
 * (or parameters) fall to at most {@code target}. The pruner searches the ratio that gets there
 * and reports the figure it reached.
 *
 * <pre>{@code
 * PruningBudget half = PruningBudget.macs(2_000_000_000L);
 * }</pre>
 *
 * @param metric what is counted
 * @param target the largest acceptable count after pruning
 */
public record PruningBudget(Metric metric, long target) {

    /** What a budget counts. */
    public enum Metric {
        /** Multiply-accumulate operations of one forward pass (Torch-Pruning's counter). */
        MACS,
        /** Trainable parameters. */
        PARAMS
    }

    /**
     * A MACs budget.
     *
     * @param target the largest acceptable MACs
     * @return the budget
     */
    public static PruningBudget macs(long target) {
        return new PruningBudget(Metric.MACS, target);
    }

    /**
     * A parameter budget.
     *
     * @param target the largest acceptable parameter count
     * @return the budget
     */
    public static PruningBudget params(long target) {
        return new PruningBudget(Metric.PARAMS, target);
    }
}
