package ai.bonsai.api.graph;

/**
 * A parameter loader ({@link GraphBuilder#parameterSource}) that can also stream its tensor's
 * rows without reading the tensor whole: a lazy parameter whose data is not in memory answers
 * {@link Parameter#rows()} from it, so that scoring a weight read from a file larger than memory
 * takes a block of rows at a time.
 *
 * <pre>{@code
 * record FileTensor(...) implements Supplier<NDArray>, RowSource { ... }
 * }</pre>
 */
public interface RowSource {

    /**
     * Opens a reader of the source tensor's rows, as float32.
     *
     * @return the reader, to close
     */
    RowReader rows();
}
