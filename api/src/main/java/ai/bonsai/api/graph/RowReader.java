package ai.bonsai.api.graph;

/**
 * Reads a tensor's rows — its slices along dimension 0, each of the product of the other
 * dimensions' elements — as float32, one at a time, so that a criterion can sum a weight
 * without the whole tensor in memory ({@link Parameter#rows()}). Rows may be read in any order;
 * readers that stream from a file are fastest in ascending order. Close it when done.
 *
 * <pre>{@code
 * try (RowReader r = weight.rows()) {
 *     r.read(0, firstRow);
 * }
 * }</pre>
 */
public interface RowReader extends AutoCloseable {

    /**
     * Copies one row into {@code dst}.
     *
     * @param row the index along dimension 0
     * @param dst receives the row's elements, row-major (its length is the row's size)
     */
    void read(int row, float[] dst);

    /** Frees what the reader holds (buffers, files); the default holds nothing. */
    @Override
    default void close() {
    }
}
