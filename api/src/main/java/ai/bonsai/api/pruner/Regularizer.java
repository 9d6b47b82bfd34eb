package ai.bonsai.api.pruner;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * A sparsity regularizer for training before pruning: after each backward pass, {@link
 * #regularize} adds the regularization term's gradient to the parameters' gradients, so that
 * whole groups drift towards zero and prune with little loss. Groups are those the pruning config
 * describes (ignored layers, root op types) on the graph as it is now, so regularizing after
 * pruning needs no extra step.
 *
 * <pre>{@code
 * Regularizer reg = host.regularizers().get("group_norm").withParameters(Map.of("reg", 5e-4));
 * for (NDList batch : data) {
 *     Map<String, NDArray> grads = executor.gradients(batch, loss, true);
 *     reg.regularize(graph, config, grads);
 *     sgd(graph, grads);
 * }
 * }</pre>
 */
public interface Regularizer extends ExtensionPoint {

    /**
     * Returns the regularizer's registry name ({@code bnscale}, {@code group_norm}, ...).
     *
     * @return the name
     */
    String name();

    /**
     * Returns a regularizer of the same kind configured with named parameters (such as {@code
     * reg}). The default accepts none.
     *
     * @param parameters the parameters by name
     * @return the configured regularizer
     * @throws ConfigException naming the first unknown parameter or bad value
     */
    default Regularizer withParameters(Map<String, ?> parameters) {
        if (!parameters.isEmpty()) {
            throw new ConfigException("regularizer." + parameters.keySet().iterator().next(),
                    "regularizer '" + name() + "' takes no parameters");
        }
        return this;
    }

    /**
     * Adds the regularization gradient to the given gradients, in place.
     *
     * @param graph the graph being trained
     * @param config the pruning settings (groups, ignored layers, importance)
     * @param gradients gradients by parameter name, shaped like the parameters; parameters
     *     without an entry are left alone
     */
    void regularize(Graph graph, PruningConfig config, Map<String, NDArray> gradients);

    /**
     * Adds the regularization gradient to the gradients the parameters hold after a backward
     * pass ({@code parameter.array().getGradient()}), in place.
     *
     * @param graph the graph being trained
     * @param config the pruning settings
     */
    default void regularize(Graph graph, PruningConfig config) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        List<NDArray> handles = new ArrayList<>();
        for (Parameter p : graph.parameters().values()) {
            if (p.trainable() && p.array().hasGradient()) {
                NDArray g = p.array().getGradient();
                handles.add(g);
                grads.put(p.name(), g);
            }
        }
        try {
            regularize(graph, config, grads);
        } finally {
            handles.forEach(NDArray::close);
        }
    }

    /**
     * Updates the regularizer's own state between epochs (growing regularization raises its
     * coefficients here). The default does nothing.
     *
     * @param graph the graph being trained
     * @param config the pruning settings
     */
    default void update(Graph graph, PruningConfig config) {
    }

    /**
     * Declares the named parameters {@link #withParameters} accepts, so that a plan is validated
     * before any work starts and listings can show them. The default declares none.
     *
     * @return the declarations, in a stable order
     */
    default List<ParameterDeclaration> parameters() {
        return List.of();
    }
}
