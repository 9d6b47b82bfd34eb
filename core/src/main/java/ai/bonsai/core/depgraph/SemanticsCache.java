package ai.bonsai.core.depgraph;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import java.util.IdentityHashMap;
import java.util.Map;

/** Channel semantics of nodes, computed once per traversal (shapes do not change during one). */
final class SemanticsCache {

    private final Map<Node, ChannelSemantics> cache = new IdentityHashMap<>();

    ChannelSemantics of(Node node) {
        return cache.computeIfAbsent(node, n -> n.op().channels(n));
    }
}
