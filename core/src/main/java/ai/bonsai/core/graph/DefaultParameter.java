package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A parameter held in memory as a DJL array owned by its graph's manager.
 *
 * <p>Pruning records a pending {@link Selection} instead of copying: {@link #shape()} reflects
 * it at once, and the data is copied once, in one pass over both pruned dimensions, when {@link
 * #array()} is first called.
 */
public final class DefaultParameter implements Parameter {

    private final String name;
    private final boolean trainable;
    private NDArray data;
    private Selection selection;

    /**
     * Creates a parameter.
     *
     * @param name the full name
     * @param trainable whether it is a trained weight
     * @param data the data, owned by the graph's manager
     */
    public DefaultParameter(String name, boolean trainable, NDArray data) {
        this.name = name;
        this.trainable = trainable;
        this.data = data;
        this.selection = Selection.all(data.getShape());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape shape() {
        return selection.shape();
    }

    @Override
    public DataType dataType() {
        return data.getDataType();
    }

    @Override
    public boolean trainable() {
        return trainable;
    }

    @Override
    public NDArray array() {
        if (!selection.isIdentity()) {
            NDArray selected = selection.apply(data, data.getManager());
            replace(selected);
        }
        return data;
    }

    /**
     * Tells whether a pruning selection is waiting to be applied to the data.
     *
     * @return true if {@link #array()} will copy
     */
    public boolean isPending() {
        return !selection.isIdentity();
    }

    /**
     * Checks that a dimension exists and that indices lie within it.
     *
     * @param dim the dimension
     * @param idxs the indices
     * @param verb what is done to them, for the message ({@code remove}, {@code mask})
     * @return the size of the dimension
     * @throws PruningException naming this parameter otherwise
     */
    int checkIndices(int dim, IndexSet idxs, String verb) {
        Shape shape = shape();
        if (dim < 0 || dim >= shape.dimension()) {
            throw new PruningException("parameter '" + name + "' " + shape
                    + " has no dimension " + dim);
        }
        int size = Math.toIntExact(shape.get(dim));
        if (idxs.max() >= size) {
            throw new PruningException("cannot " + verb + " index " + idxs.max()
                    + " of dimension " + dim + " of parameter '" + name + "' " + shape + ": out of range");
        }
        return size;
    }

    /**
     * Checks that indices can be removed from a dimension: it exists, they are in range, and at
     * least one entry remains.
     *
     * @param dim the dimension
     * @param idxs the indices
     * @throws PruningException naming this parameter otherwise
     */
    void checkRemovable(int dim, IndexSet idxs) {
        int size = checkIndices(dim, idxs, "remove");
        if (idxs.size() >= size) {
            throw new PruningException("removing " + idxs.size() + " of " + size
                    + " entries of dimension " + dim + " of parameter '" + name
                    + "' would leave none");
        }
    }

    /**
     * Records the removal of positions along one dimension.
     *
     * @param dim the dimension
     * @param removeSorted positions to remove, ascending, in range
     */
    void remove(int dim, int[] removeSorted) {
        selection = selection.remove(dim, removeSorted);
    }

    /**
     * Replaces the data (after loading) and closes the old array; drops any pending selection.
     *
     * @param newData the new data, owned by the graph's manager
     */
    public void replace(NDArray newData) {
        NDArray old = data;
        data = newData;
        selection = Selection.all(newData.getShape());
        if (old != newData) {
            old.close();
        }
    }

    @Override
    public String toString() {
        return name + " " + shape();
    }
}
