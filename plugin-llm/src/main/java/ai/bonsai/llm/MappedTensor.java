package ai.bonsai.llm;

import ai.bonsai.api.graph.RowReader;
import ai.bonsai.api.graph.RowSource;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.Supplier;

/**
 * The loader of a lazy parameter read from a safetensors file: reads the tensor as float32 each
 * time it is asked, or streams its rows ({@link RowSource}: a criterion sums a weight a chunk at a
 * time without the tensor in memory). {@link HfWriter} recognizes it in a parameter's {@link
 * ai.bonsai.api.graph.SourceSelection} and copies the kept elements straight from the file.
 *
 * @param file the file holding the tensor
 * @param name the tensor's name in the file
 * @param manager the manager that owns each array read
 * @param scratch the buffers reads reuse
 */
public record MappedTensor(SafetensorsFile file, String name, NDManager manager, ScratchBuffers scratch)
        implements Supplier<NDArray>, RowSource {

    /**
     * Returns the tensor's entry in its file.
     *
     * @return the entry
     */
    public SafetensorsFile.Entry entry() {
        return file.entry(name);
    }

    @Override
    public NDArray get() {
        return file.readFloat(name, manager, scratch);
    }

    /**
     * Streams the rows of a float32 or bfloat16 tensor a chunk at a time; a tensor of another type,
     * or whose single row exceeds a Java buffer, is read whole and its rows served from memory.
     *
     * @return the reader, to close
     */
    @Override
    public RowReader rows() {
        SafetensorsFile.Entry e = entry();
        long rows = e.shape().dimension() == 0 ? 1 : e.shape().get(0);
        long rowBytes = rows == 0 ? 0 : (e.end() - e.begin()) / rows;
        if ((e.type() == TensorType.BF16 || e.type() == TensorType.F32) && rowBytes <= Integer.MAX_VALUE / 2) {
            return new MappedRows(file, e, scratch);
        }
        NDArray whole = get();
        FloatBuffer data = whole.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return new RowReader() {
            @Override
            public void read(int row, float[] dst) {
                data.get(row * dst.length, dst);
            }

            @Override
            public void close() {
                whole.close();
            }
        };
    }
}
