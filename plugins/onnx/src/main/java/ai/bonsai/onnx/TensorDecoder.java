package ai.bonsai.onnx;

import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns ONNX tensors (initializers, {@code Constant} values) into DJL arrays: {@code raw_data} is
 * copied once, straight from the (memory-mapped) file into the array; typed fields ({@code
 * float_data}, {@code int64_data}, ...) and external data files are read too. Every size is
 * checked against {@code dims} and {@code data_type}.
 */
final class TensorDecoder {

    private final java.nio.file.Path file;
    private final ExternalData external;

    /**
     * Creates a decoder for one model file.
     *
     * @param file the model file (for messages and external data)
     */
    TensorDecoder(java.nio.file.Path file) {
        this.file = file;
        this.external = new ExternalData(file);
    }

    /**
     * Decodes a tensor.
     *
     * @param t the tensor
     * @param what its description for messages, such as {@code initializer 'conv1.weight'}
     * @param manager the manager that will own the array
     * @return the array
     * @throws ModelFormatException naming the file, the tensor and the field at fault
     */
    NDArray decode(TensorProto t, String what, NDManager manager) {
        OnnxDataType type = OnnxDataType.ofCode(t.getDataType()).orElseThrow(() -> error(what
                + ": data_type " + t.getDataType() + " is not supported (float, double, float16, "
                + "int8, uint8, int32, int64, bool are)"));
        long[] dims = new long[t.getDimsCount()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw error(what + ": dims " + t.getDimsList() + " has a negative entry");
            }
            elements = Math.multiplyExact(elements, dims[i]);
        }
        Shape shape = new Shape(dims);
        long bytes = elements * type.bytes();
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return ownCopy(external.map(t, what, bytes), shape, type, manager);
        }
        if (t.hasRawData()) {
            if (t.getRawData().size() != bytes) {
                throw error(what + ": raw_data has " + t.getRawData().size() + " bytes, dims "
                        + t.getDimsList() + " of " + type + " need " + bytes);
            }
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            return ownCopy(raw, shape, type, manager);
        }
        return typed(t, type, shape, elements, what, manager);
    }

    /**
     * Copies bytes of the read-only mapped file into a tensor whose memory the engine owns. The
     * engine takes a direct buffer as the tensor's memory without copying, so a tensor made
     * straight from the mapping would crash the first in-place update of its weight (training,
     * bias compensation) and would live only as long as the Java buffer.
     */
    private static NDArray ownCopy(ByteBuffer mapped, Shape shape, OnnxDataType type,
            NDManager manager) {
        try (NDArray view = manager.create(mapped, shape, type.djl())) {
            return view.duplicate();
        }
    }

    private NDArray typed(TensorProto t, OnnxDataType type, Shape shape, long elements, String what,
            NDManager manager) {
        int n = Math.toIntExact(elements);
        switch (type) {
            case FLOAT -> {
                checkCount(t.getFloatDataCount(), n, "float_data", what);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = t.getFloatData(i);
                }
                return manager.create(v, shape);
            }
            case DOUBLE -> {
                checkCount(t.getDoubleDataCount(), n, "double_data", what);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = t.getDoubleData(i);
                }
                return manager.create(v, shape);
            }
            case INT64 -> {
                checkCount(t.getInt64DataCount(), n, "int64_data", what);
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = t.getInt64Data(i);
                }
                return manager.create(v, shape);
            }
            default -> {
                checkCount(t.getInt32DataCount(), n, "int32_data", what);
                ByteBuffer buf = ByteBuffer.allocate(n * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    int v = t.getInt32Data(i);
                    switch (type.bytes()) {
                        case 1 -> buf.put((byte) v);
                        case 2 -> buf.putShort((short) v);
                        default -> buf.putInt(v);
                    }
                }
                buf.flip();
                return manager.create(buf, shape, type.djl());
            }
        }
    }

    private void checkCount(int found, int expected, String field, String what) {
        if (found != expected) {
            throw error(what + ": " + field + " has " + found + " values, dims need " + expected);
        }
    }

    private ModelFormatException error(String message) {
        return new ModelFormatException(file + ": " + message);
    }
}
