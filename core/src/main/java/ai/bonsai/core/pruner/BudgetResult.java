package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.PruningBudget;
import java.util.Locale;

/**
 * What a {@link BudgetSearch} found: the pruned model and the figures it reached.
 *
 * @param graph the pruned graph (the caller closes it)
 * @param budget the target
 * @param ratio the pruning ratio that met it
 * @param before the count before pruning
 * @param achieved the count after pruning, at most {@code budget.target()}
 * @param trials how many ratios were tried
 */
public record BudgetResult(
        Graph graph, PruningBudget budget, double ratio, long before, long achieved, int trials) {

    @Override
    public String toString() {
        return String.format("%s %,d -> %,d (target %,d, %.2f%% of it) at ratio %.4f after %d trials",
                budget.metric().name().toLowerCase(Locale.ROOT), before, achieved,
                budget.target(), 100.0 * achieved / budget.target(), ratio, trials);
    }
}
