package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.prune.IndexSet;

/**
 * Edits an in-memory node: records parameter slices to remove (applied lazily, see {@link
 * DefaultParameter}) and sets attributes.
 */
public final class DefaultNodeEditor implements NodeEditor {

    private final DefaultNode node;

    /**
     * Creates an editor.
     *
     * @param node the node to edit
     */
    public DefaultNodeEditor(Node node) {
        this.node = (DefaultNode) node;
    }

    @Override
    public Node node() {
        return node;
    }

    @Override
    public void removeIndices(String localName, int dim, IndexSet idxs) {
        DefaultParameter p = node.defaultParameter(localName);
        p.checkRemovable(dim, idxs);
        if (!idxs.isEmpty()) {
            p.remove(dim, idxs.toArray());
        }
    }

    @Override
    public void setAttribute(String key, Object value) {
        node.setAttributes(node.attributes().with(key, value));
    }
}
