package ai.bonsai.api.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;

/**
 * A named tensor owned by a node: a weight (trainable) or a buffer such as a running mean.
 *
 * <p>Implementations may keep the data in memory or as a lazy selection over a memory-mapped
 * file; {@link #array()} materializes it. The returned array belongs to the parameter: do not
 * close it.
 */
public interface Parameter {

    /**
     * Returns the full name, as in a PyTorch state_dict ({@code layer1.0.bn1.running_mean}).
     *
     * @return the name
     */
    String name();

    /**
     * Returns the current shape.
     *
     * @return the shape
     */
    Shape shape();

    /**
     * Returns the element type.
     *
     * @return the data type
     */
    DataType dataType();

    /**
     * Tells whether the parameter is trained (counted in parameter totals and given gradients);
     * running statistics are not.
     *
     * @return true for weights
     */
    boolean trainable();

    /**
     * Returns the data, materializing it if needed.
     *
     * @return the array
     */
    NDArray array();

    /**
     * Frees the materialized data of a parameter that can read it again from its source (a
     * lazy parameter, see {@link GraphBuilder#parameterSource}); the shape and any pruning stay,
     * and the next {@link #array()} reads and selects again. Changes made in place to the array
     * are lost: call it only on data that was read, not written. Parameters held in memory
     * ignore it (the default).
     */
    default void release() {
    }

    /**
     * Returns, for a lazy parameter whose data is not in memory, its loader and the source
     * indices it keeps after pruning, so that a writer copies the kept elements straight from the
     * source file instead of reading the tensor whole ({@link #release()} first to drop data that
     * was read). Parameters held in memory, and lazy ones whose data is in memory, return empty
     * (the default).
     *
     * @return the selection of the source, or empty
     */
    default Optional<SourceSelection> sourceSelection() {
        return Optional.empty();
    }

    /**
     * Opens a reader of the data's rows (slices along dimension 0) as float32. A lazy parameter
     * whose data is not in memory and whose loader is a {@link RowSource} streams them from its
     * source, block by block, and stays unread; the default reads {@link #array()}, which must be
     * float32.
     *
     * @return the reader, to close
     */
    default RowReader rows() {
        FloatBuffer data = array().toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return (row, dst) -> data.get(row * dst.length, dst);
    }
}
