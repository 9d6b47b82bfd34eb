package ai.bonsai.api.prune;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;

/**
 * The host's DepGraph for extensions that score whole structures with a criterion rather than
 * prune them channel by channel (the LLM plugin ranks decoder layers by the scores of their
 * attention and MLP groups), and that then prune a selection of their own (the LLM plugin's
 * rotary pairs of head dimensions). The host binds an implementation; extensions {@code @Inject}
 * it.
 *
 * <pre>{@code
 * Group mlp = groups.ofAllOutChannels(graph, graph.node("model.layers.3.mlp.gate_proj"));
 * double total = Arrays.stream(criterion.score(mlp).orElseThrow()).sum();
 * }</pre>
 */
public interface DependencyGroups {

    /**
     * Returns the group that removing every output channel of a node would prune, with every
     * coupled member, as DepGraph finds it in the graph as it is now. It is meant for scoring:
     * pruning it would leave the node without channels, which the group refuses.
     *
     * @param graph the graph
     * @param node a node of the graph with output channels
     * @return the group, rooted at the node's output channels
     * @throws PruningException if the node has no output channels
     */
    Group ofAllOutChannels(Graph graph, Node node);

    /**
     * Returns the group that removing some output channels of a node prunes, with every coupled
     * member, as DepGraph finds it in the graph as it is now; {@link Group#prune()} applies it.
     *
     * @param graph the graph
     * @param node a node of the graph with output channels
     * @param idxs the node's output channels to remove
     * @return the group, rooted at the node's output channels
     * @throws PruningException if the node has no output channels or an index is out of range
     */
    Group ofOutChannels(Graph graph, Node node, IndexSet idxs);
}
