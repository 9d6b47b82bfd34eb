package ai.bonsai.core.depgraph;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.PruningHandle;

/**
 * A node's pruning handle; nodes compare by identity.
 *
 * @param node the node
 * @param handle the handle
 */
record HandleKey(Node node, PruningHandle handle) {

    @Override
    public boolean equals(Object o) {
        return o instanceof HandleKey && ((HandleKey) o).node == node && ((HandleKey) o).handle == handle;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(node) * 31 + handle.ordinal();
    }
}
