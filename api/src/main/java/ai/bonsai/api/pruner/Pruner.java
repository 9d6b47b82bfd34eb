package ai.bonsai.api.pruner;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.Map;
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
 *
 * <p>A pruner may declare parameters of its own ({@link #parameters()}, a plan's {@code
 * pruner.parameters}), read calibration batches ({@link #needsCalibration()}, {@link
 * #start(Graph, PruningConfig, List)}), and rebuild the graph instead of pruning it in place
 * ({@link PruningRun#rebuilt()}): the LLM plugin's {@code llm} pruner removes whole decoder layers
 * that way.
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
     * Prepares a pruning run that may read calibration batches (the plan's {@code calibration}),
     * for pruners that use data themselves (ranking whole layers by their effect on the hidden
     * states, say). The default ignores the batches. A calibrated criterion in the config is fed
     * by the caller before each step, on the graph the run prunes ({@link PruningRun#rebuilt()}
     * when the run rebuilt it).
     *
     * @param graph the graph to prune
     * @param config the settings
     * @param calibration the calibration batches, one array per graph input each; empty when the
     *     plan gives none
     * @return the run
     */
    default PruningRun start(Graph graph, PruningConfig config, List<NDList> calibration) {
        return start(graph, config);
    }

    /**
     * Returns a pruner of the same kind configured with named parameters (a plan's {@code
     * pruner.parameters}). The default accepts no parameters.
     *
     * @param parameters the parameters by name
     * @return the configured pruner
     * @throws ConfigException naming the first unknown parameter or bad value ({@code
     *     pruner.NAME})
     */
    default Pruner withParameters(Map<String, ?> parameters) {
        if (!parameters.isEmpty()) {
            throw new ConfigException("pruner." + parameters.keySet().iterator().next(),
                    "pruner '" + name() + "' takes no parameters");
        }
        return this;
    }

    /**
     * Tells whether this pruner, as configured, reads calibration batches, so that a plan without
     * them is refused before any work starts. The default reads none.
     *
     * @return true if {@link #start(Graph, PruningConfig, List)} needs batches
     */
    default boolean needsCalibration() {
        return false;
    }

    /**
     * Declares the named parameters {@link #withParameters} accepts besides the plan's common
     * pruning fields, so that a plan is validated before any work starts. The default declares
     * none.
     *
     * @return the declarations
     */
    default List<ParameterDeclaration> parameters() {
        return List.of();
    }
}
