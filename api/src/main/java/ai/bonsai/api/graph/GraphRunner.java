package ai.bonsai.api.graph;

import ai.djl.ndarray.NDList;
import java.util.function.BiConsumer;

/**
 * Runs a {@link Graph}'s forward pass in eval mode on DJL arrays, for plugins that use a model
 * rather than prune it (a diffusion sampler, say). The host binds an implementation (core's
 * executor); extensions {@code @Inject} it.
 *
 * <pre>{@code
 * @Inject
 * public MySampler(GraphRunner runner) {
 *     this.runner = runner;
 * }
 * ...
 * NDArray eps = runner.forward(unet, new NDList(x, t)).head();
 * }</pre>
 */
public interface GraphRunner {

    /**
     * Runs the graph in eval mode (no gradients recorded).
     *
     * @param graph the graph
     * @param inputs one array per graph input, in order
     * @return one array per graph output, attached to the first input's manager
     * @throws GraphException if the inputs do not match the graph's inputs
     */
    NDList forward(Graph graph, NDList inputs);

    /**
     * Runs the graph in eval mode and shows each node's inputs to an observer just before the
     * node runs (to measure hidden states, for example); the arrays are valid only during the
     * call.
     *
     * @param graph the graph
     * @param inputs one array per graph input, in order
     * @param observer receives each node and its input arrays
     * @return one array per graph output, attached to the first input's manager
     * @throws GraphException if the inputs do not match the graph's inputs
     */
    NDList forward(Graph graph, NDList inputs, BiConsumer<Node, NDList> observer);
}
