package ai.bonsai.api.graph;

/**
 * Makes fresh {@link GraphBuilder}s over the host's op types, for extensions that build graphs
 * themselves: a pruner that rebuilds a model without some of its layers, a language-model task
 * that builds a model for another input shape. The host binds an implementation; extensions
 * {@code @Inject} it.
 *
 * <pre>{@code
 * @Inject
 * public MyPruner(GraphBuilders builders) {
 *     this.builders = builders;
 * }
 * ...
 * Graph shorter = rebuild(graph, builders.newBuilder(graph.name(), 0));
 * }</pre>
 */
@FunctionalInterface
public interface GraphBuilders {

    /**
     * Returns a fresh builder.
     *
     * @param graphName the graph's name
     * @param seed the seed of parameter initialization
     * @return the builder
     */
    GraphBuilder newBuilder(String graphName, long seed);
}
