package ai.bonsai.api.op;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.IndexSet;

/**
 * What an {@link OpType}'s pruning functions may change on a node: parameter slices and
 * attributes. The implementation decides how (in memory, or as a lazy selection of a
 * memory-mapped file).
 */
public interface NodeEditor {

    /**
     * Returns the node being edited (reflects edits made so far).
     *
     * @return the node
     */
    Node node();

    /**
     * Removes entries of a parameter along one dimension.
     *
     * @param localName the parameter's local name ({@code weight})
     * @param dim the dimension
     * @param idxs the indices to remove
     * @throws ai.bonsai.api.prune.PruningException naming the parameter if an index is out of range
     */
    void removeIndices(String localName, int dim, IndexSet idxs);

    /**
     * Sets an attribute (for example {@code groups} of a depthwise conv).
     *
     * @param key the attribute
     * @param value the new value
     */
    void setAttribute(String key, Object value);
}
