package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Edits an in-memory node: removes parameter slices with an index select, sets attributes. */
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
        NDArray data = p.array();
        if (dim < 0 || dim >= data.getShape().dimension()) {
            throw new PruningException("parameter '" + p.name() + "' " + data.getShape()
                    + " has no dimension " + dim);
        }
        int size = Math.toIntExact(data.getShape().get(dim));
        if (idxs.max() >= size) {
            throw new PruningException("cannot remove index " + idxs.max() + " from dimension "
                    + dim + " of parameter '" + p.name() + "' " + data.getShape() + ": out of range");
        }
        if (idxs.size() >= size) {
            throw new PruningException("removing " + idxs.size() + " of " + size
                    + " entries of dimension " + dim + " of parameter '" + p.name()
                    + "' would leave none");
        }
        if (idxs.isEmpty()) {
            return;
        }
        int[] keep = idxs.complement(size).toArray();
        long[] keepLong = new long[keep.length];
        for (int i = 0; i < keep.length; i++) {
            keepLong[i] = keep[i];
        }
        try (NDArray index = data.getManager().create(keepLong)) {
            StringBuilder spec = new StringBuilder();
            for (int d = 0; d < dim; d++) {
                spec.append(":, ");
            }
            spec.append("{}");
            NDArray kept = data.get(new NDIndex(spec.toString(), index));
            kept.attach(data.getManager());
            p.replace(kept);
        }
    }

    @Override
    public void setAttribute(String key, Object value) {
        node.setAttributes(node.attributes().with(key, value));
    }
}
