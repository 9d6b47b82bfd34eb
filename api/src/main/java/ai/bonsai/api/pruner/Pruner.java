package ai.bonsai.api.pruner;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A pruning strategy: given a graph and a configuration, decides which groups to prune at each
 * step.
 *
 * <pre>{@code
 * PruningRun run = pruner.start(graph, PruningConfig.builder()
 *         .setImportance(criterion).optRatio(0.5).optIgnoredLayers(List.of("fc")).build());
 * while (run.hasNextStep()) {
 *     run.step();
 * }
 * }</pre>
 */
public interface Pruner extends ExtensionPoint {

    /**
     * Returns the pruner's registry name.
     *
     * @return the name
     */
    String name();

    /**
     * Prepares a pruning run over a graph; records the initial channel counts.
     *
     * @param graph the graph to prune in place
     * @param config the settings
     * @return the run
     */
    PruningRun start(Graph graph, PruningConfig config);

    /**
     * Declares the named parameters this pruner accepts besides the plan's common pruning fields.
     * The default declares none.
     *
     * @return the declarations
     */
    default List<ParameterDeclaration> parameters() {
        return List.of();
    }
}
