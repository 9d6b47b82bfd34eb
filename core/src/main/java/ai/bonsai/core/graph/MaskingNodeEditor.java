package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Edits a node for soft pruning: the entries an op type's pruning functions would remove are set
 * to zero instead, and attributes are left as they are, so that every shape stays unchanged.
 *
 * <p>Running an {@link ai.bonsai.api.op.OpType}'s {@code pruneOut}/{@code pruneIn} with this editor
 * masks exactly what the same call with a {@link DefaultNodeEditor} would remove.
 *
 * <pre>{@code
 * node.op().pruneOut(new MaskingNodeEditor(node), IndexSet.of(2, 6));   // rows 2 and 6 are zero
 * }</pre>
 */
public final class MaskingNodeEditor implements NodeEditor {

    private final DefaultNode node;

    /**
     * Creates an editor.
     *
     * @param node the node to edit (Bonsai's in-memory implementation)
     */
    public MaskingNodeEditor(Node node) {
        this.node = (DefaultNode) node;
    }

    @Override
    public Node node() {
        return node;
    }

    /**
     * Sets the entries at the given indices of one dimension to zero; the shape is unchanged.
     *
     * @param localName the parameter's local name ({@code weight})
     * @param dim the dimension
     * @param idxs the indices to zero
     * @throws PruningException naming the parameter if the dimension or an index is out of range
     */
    @Override
    public void removeIndices(String localName, int dim, IndexSet idxs) {
        DefaultParameter p = node.defaultParameter(localName);
        int size = p.checkIndices(dim, idxs, "mask");
        if (idxs.isEmpty()) {
            return;
        }
        NDArray data = p.array();
        NDManager owner = data.getManager();
        NDArray masked;
        try (NDManager scratch = owner.newSubManager()) {
            float[] keep = new float[size];
            Arrays.fill(keep, 1f);
            idxs.stream().forEach(i -> keep[i] = 0f);
            long[] broadcast = new long[p.shape().dimension()];
            Arrays.fill(broadcast, 1L);
            broadcast[dim] = size;
            NDArray mask = scratch.create(keep, new Shape(broadcast)).toType(data.getDataType(), false);
            NDArray product = data.mul(mask);
            product.attach(scratch);
            masked = product.stopGradient();
            masked.attach(owner);
        }
        p.replace(masked);
    }

    /**
     * Does nothing: masking keeps every attribute (channel counts, groups) as it is.
     *
     * @param key the attribute
     * @param value the value pruning would set
     */
    @Override
    public void setAttribute(String key, Object value) {
    }
}
