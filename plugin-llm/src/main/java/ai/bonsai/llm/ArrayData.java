package ai.bonsai.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.function.Supplier;

/**
 * A tensor written from an engine array: float32 bytes go out as they lie in the array, bfloat16
 * is narrowed one chunk at a time, other types are converted by the engine. The array must fit a
 * Java buffer (2 GB).
 *
 * @param array gives the array when the writer reaches the tensor (not closed by the writer)
 * @param written runs once the tensor is in the file (to release the array)
 */
public record ArrayData(Supplier<NDArray> array, Runnable written) implements TensorData {

    @Override
    public void writeTo(WritableByteChannel out, Shape shape, TensorType type, ScratchBuffers scratch)
            throws IOException {
        NDArray a = array.get();
        if (!a.getShape().equals(shape)) {
            throw new IOException("the array is " + a.getShape() + ", the header says " + shape);
        }
        DataType target = type == TensorType.BF16 ? DataType.FLOAT32 : type.djl();
        try (NDArray typed = a.getDataType() == target ? null : a.toType(target, false)) {
            ByteBuffer bytes = (typed == null ? a : typed).toByteBuffer(true).order(ByteOrder.nativeOrder());
            if (type == TensorType.BF16) {
                narrow(out, bytes, scratch);
            } else {
                TensorData.writeFully(out, bytes);
            }
        }
        written.run();
    }

    private static void narrow(WritableByteChannel out, ByteBuffer floats, ScratchBuffers scratch) throws IOException {
        int step = scratch.chunkBytes() / 4 * 4;
        for (int from = floats.position(); from < floats.limit(); from += step) {
            int n = Math.min(step, floats.limit() - from);
            ByteBuffer chunk = scratch.direct(0, n / 2);
            Bfloat16.narrow(floats.duplicate().order(floats.order()).limit(from + n).position(from), chunk);
            TensorData.writeFully(out, chunk.flip());
        }
    }
}
