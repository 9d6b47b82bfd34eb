package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.RowReader;
import ai.bonsai.api.graph.RowSource;
import ai.bonsai.api.graph.SourceSelection;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A parameter held in memory as a DJL array owned by its graph's manager, or read lazily from a
 * source (a memory-mapped file) when first needed.
 *
 * <p>Pruning records a pending {@link Selection} instead of copying: {@link #shape()} reflects
 * it at once, and the data is copied once, in one pass over both pruned dimensions, when {@link
 * #array()} is first called. A lazy parameter keeps its selection relative to the source while
 * its data is not in memory, so that {@link #release()} can drop the data and the next {@link
 * #array()} reads and selects again; pruning it while its data is in memory, or {@link
 * #replace}, makes it an in-memory parameter (changes made in place are kept).
 */
public final class DefaultParameter implements Parameter {

    private final String name;
    private final boolean trainable;
    private NDArray data;
    private Selection selection;
    private Supplier<NDArray> source;
    private DataType sourceType;

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

    /**
     * Creates a lazy parameter: nothing is read until {@link #array()}.
     *
     * @param name the full name
     * @param trainable whether it is a trained weight
     * @param shape the shape the source returns
     * @param dataType the type the source returns
     * @param source returns a fresh array of that shape and type, owned by the graph's manager,
     *     each time it is called
     */
    public DefaultParameter(String name, boolean trainable, Shape shape, DataType dataType,
            Supplier<NDArray> source) {
        this.name = name;
        this.trainable = trainable;
        this.source = source;
        this.sourceType = dataType;
        this.selection = Selection.all(shape);
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
        return data == null ? sourceType : data.getDataType();
    }

    @Override
    public boolean trainable() {
        return trainable;
    }

    @Override
    public NDArray array() {
        if (source != null) {
            return readSource();
        }
        if (!selection.isIdentity()) {
            NDArray selected = selection.apply(data, data.getManager());
            replace(selected);
        }
        return data;
    }

    /** Reads a lazy parameter's data once, even when several threads ask at the same time. */
    private synchronized NDArray readSource() {
        if (data == null) {
            NDArray full = source.get();
            data = selection.isIdentity() ? full : selection.apply(full, full.getManager());
            if (data != full) {
                full.close();
            }
        }
        return data;
    }

    /**
     * Tells whether a pruning selection is waiting to be applied to the data.
     *
     * @return true if {@link #array()} will copy
     */
    public boolean isPending() {
        return source == null && !selection.isIdentity();
    }

    /**
     * Tells whether the data is read lazily from a source.
     *
     * @return true for a lazy parameter
     */
    public boolean isLazy() {
        return source != null;
    }

    /**
     * Tells whether the data is in memory now.
     *
     * @return false for a lazy parameter not read (or released) since
     */
    public boolean isMaterialized() {
        return data != null;
    }

    @Override
    public synchronized void release() {
        if (source != null && data != null) {
            data.close();
            data = null;
        }
    }

    @Override
    public synchronized Optional<SourceSelection> sourceSelection() {
        if (source == null || data != null) {
            return Optional.empty();
        }
        return Optional.of(selection.of(source));
    }

    /**
     * Streams the rows from the source, without reading the tensor whole, when this is a lazy
     * parameter whose data is not in memory, whose loader is a {@link RowSource}, and whose
     * pruning (if any) removed rows only; otherwise reads {@link #array()}.
     *
     * @return the reader, to close
     */
    @Override
    public RowReader rows() {
        synchronized (this) {
            if (source instanceof RowSource streaming && data == null && selection.keepsWholeRows()) {
                RowReader reader = streaming.rows();
                int[] kept = selection.keptRows();
                if (kept == null) {
                    return reader;
                }
                return new RowReader() {
                    @Override
                    public void read(int row, float[] dst) {
                        reader.read(kept[row], dst);
                    }

                    @Override
                    public void close() {
                        reader.close();
                    }
                };
            }
        }
        return Parameter.super.rows();
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
        if (source != null && data != null) {
            // read (and perhaps changed in place) already: from now on an in-memory parameter
            source = null;
            selection = Selection.all(data.getShape());
        }
        selection = selection.remove(dim, removeSorted);
    }

    /**
     * Replaces the data (after loading) and closes the old array; drops any pending selection
     * and makes a lazy parameter an in-memory one.
     *
     * @param newData the new data, owned by the graph's manager
     */
    public void replace(NDArray newData) {
        NDArray old = data;
        data = newData;
        source = null;
        selection = Selection.all(newData.getShape());
        if (old != null && old != newData) {
            old.close();
        }
    }

    @Override
    public String toString() {
        return name + " " + shape();
    }
}
