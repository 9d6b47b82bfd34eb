package ai.bonsai.core.pruner;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import org.pf4j.Extension;

/**
 * Torch-Pruning's MetaPruner ({@code meta}): scores every DepGraph group with the configured
 * criterion and removes the lowest-scored channels, step by step along the config's schedule.
 * Groups are ranked within scopes: each group alone (local, the default), all groups together
 * ({@code globalPruning}), groups of the same structure ({@code isomorphic}) or the groups of one
 * ratio pattern. Channel groups (grouped convolutions, group norms, configured groups, attention
 * heads) are pruned alike; whole heads go with {@code pruneNumHeads}; {@code soft} masks instead
 * of removing. A cost budget is met with {@link BudgetSearch} instead.
 *
 * <pre>{@code
 * PruningRun run = new MetaPruner().start(graph, PruningConfig.builder()
 *         .setImportance(new MagnitudeImportance()).optRatio(0.5)
 *         .optIgnoredLayers(List.of("fc")).build());
 * run.step();
 * }</pre>
 */
@Extension
public final class MetaPruner implements Pruner {

    @Override
    public String name() {
        return "meta";
    }

    /**
     * Prepares a run.
     *
     * @param graph the graph to prune in place
     * @param config the settings
     * @return the run
     * @throws ConfigException if the config has a budget: a budget is searched over fresh copies
     *     of the model, with {@link BudgetSearch#search}
     */
    @Override
    public PruningRun start(Graph graph, PruningConfig config) {
        if (config.budget().isPresent()) {
            throw new ConfigException("pruner.budget", "a budget is met by trying ratios on fresh "
                    + "copies of the model: use BudgetSearch.search(modelFactory, config)");
        }
        return new MetaPruningRun(graph, config);
    }
}
