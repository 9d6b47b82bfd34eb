package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.prune.IndexSet;

/**
 * A dry run of an op type's pruning functions: every removal is checked as {@link
 * DefaultNodeEditor} would check it, and nothing is changed. Running a whole group through this
 * editor first makes pruning all-or-nothing, also when an op type refuses inside its own pruning
 * function (a split piece or a slice that would become empty).
 */
public final class CheckingNodeEditor implements NodeEditor {

    private final DefaultNode node;

    /**
     * Creates an editor.
     *
     * @param node the node (Bonsai's in-memory implementation)
     */
    public CheckingNodeEditor(Node node) {
        this.node = (DefaultNode) node;
    }

    @Override
    public Node node() {
        return node;
    }

    @Override
    public void removeIndices(String localName, int dim, IndexSet idxs) {
        node.defaultParameter(localName).checkRemovable(dim, idxs);
    }

    /**
     * Does nothing: a dry run changes no attribute.
     *
     * @param key the attribute
     * @param value the value pruning would set
     */
    @Override
    public void setAttribute(String key, Object value) {
    }
}
