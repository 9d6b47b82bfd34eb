package ai.bonsai.llm;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The bytes of one tensor, produced when {@link SafetensorsWriter} reaches it: an array in memory
 * ({@link ArrayData}), the kept elements of a tensor in a source file ({@link SourceGather}), or
 * anything generated block by block. Implementations stage at most a few chunks of the scratch
 * buffers at a time.
 */
public interface TensorData {

    /**
     * Writes the tensor: its elements in row-major order, little-endian, in the file's element
     * type.
     *
     * @param out the file, positioned where the tensor starts
     * @param shape the shape the header declares
     * @param type the file's element type
     * @param scratch buffers to stage blocks in (the caller holds their lock)
     * @throws IOException if the data does not have that shape or writing fails
     */
    void writeTo(WritableByteChannel out, Shape shape, TensorType type, ScratchBuffers scratch) throws IOException;

    /**
     * Writes a buffer whole.
     *
     * @param out the channel
     * @param buf the bytes, position to limit
     * @throws IOException if writing fails
     */
    static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
