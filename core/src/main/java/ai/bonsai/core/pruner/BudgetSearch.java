package ai.bonsai.core.pruner;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.pruner.PruningBudget;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Prunes to a cost budget (beyond Torch-Pruning): finds, by bisection over the pruning ratio, the
 * smallest ratio whose pruned model's MACs (or parameters) are at most the target, so the target
 * is met and overshot as little as the channel granularity allows. The upper end starts at 0.5
 * and moves halfway towards 1 until the target is met: very high ratios are not tried first,
 * because a group that would lose every channel is not pruned at all, so cost is not monotone
 * there. Every trial prunes a fresh copy
 * of the model with the config's other settings (criterion, ranking, steps, ignored layers);
 * the best trial's graph is returned, the others are closed.
 *
 * <pre>{@code
 * BudgetResult r = BudgetSearch.search(() -> loadResNet50(), PruningConfig.builder()
 *         .setImportance(new MagnitudeImportance()).optIgnoredLayers(List.of("fc"))
 *         .optBudget(PruningBudget.macs(2_000_000_000L)).build());
 * System.out.println(r);   // macs 4,121,925,096 -> 1,99x,xxx,xxx (target ...) at ratio ...
 * }</pre>
 */
public final class BudgetSearch {

    /** Bisection stops when the ratio interval is this narrow. */
    private static final double TOLERANCE = 5e-4;
    /** The highest ratio tried. */
    private static final double MAX_RATIO = 0.999;

    private BudgetSearch() {
    }

    /**
     * Searches the ratio that meets the config's budget.
     *
     * @param model makes a fresh copy of the model (same weights) on each call
     * @param config the settings, with a budget
     * @return the pruned model and its figures
     * @throws ConfigException if the config has no budget
     * @throws PruningException if even the highest ratio misses the budget
     */
    public static BudgetResult search(Supplier<Graph> model, PruningConfig config) {
        PruningBudget budget = config.budget().orElseThrow(() ->
                new ConfigException("pruner.budget", "required for a budget search"));
        Graph first = model.get();
        long before = count(first, budget);
        if (before <= budget.target()) {
            return new BudgetResult(first, budget, 0, before, before, 1);
        }
        first.close();
        double cap = Math.min(MAX_RATIO, config.maxPruningRatio());
        double lo = 0;
        double hi = Math.min(0.5, cap);
        Graph best = prune(model.get(), config, hi);
        long achieved = count(best, budget);
        int trials = 2;
        while (achieved > budget.target()) {
            best.close();
            if (hi >= cap) {
                throw new PruningException(budget.metric().name().toLowerCase(Locale.ROOT)
                        + " budget " + budget.target() + " is out of reach: ratio " + hi
                        + " leaves " + achieved);
            }
            lo = hi;
            hi = Math.min(cap, 1 - (1 - hi) / 2);
            best = prune(model.get(), config, hi);
            achieved = count(best, budget);
            trials++;
        }
        while (hi - lo > TOLERANCE) {
            double mid = (lo + hi) / 2;
            Graph g = prune(model.get(), config, mid);
            long c = count(g, budget);
            trials++;
            if (c <= budget.target()) {
                best.close();
                best = g;
                achieved = c;
                hi = mid;
            } else {
                g.close();
                lo = mid;
            }
        }
        return new BudgetResult(best, budget, hi, before, achieved, trials);
    }

    private static Graph prune(Graph g, PruningConfig config, double ratio) {
        PruningRun run = new MetaPruner().start(g,
                config.toBuilder().optRatio(ratio).optBudget(null).build());
        while (run.hasNextStep()) {
            run.step();
        }
        return g;
    }

    private static long count(Graph g, PruningBudget budget) {
        ModelCost cost = OpCounter.count(g);
        return budget.metric() == PruningBudget.Metric.MACS ? cost.macs() : cost.params();
    }
}
