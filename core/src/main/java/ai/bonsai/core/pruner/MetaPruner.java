package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import org.pf4j.Extension;

/**
 * Torch-Pruning's MetaPruner: scores every DepGraph group with the configured criterion and
 * removes the lowest-scored channels of each, following a linear ratio schedule over the steps.
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

    @Override
    public PruningRun start(Graph graph, PruningConfig config) {
        return new MetaPruningRun(graph, config);
    }
}
