package ai.bonsai.onnx;

import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteOrder;

/**
 * Turns DJL arrays into ONNX tensors with {@code raw_data}: the engine's direct view of the
 * array's native memory is wrapped without a copy, so the bytes go from the tensor to the file
 * once (the arrays must stay open until the model is written).
 */
final class TensorEncoder {

    private TensorEncoder() {
    }

    /**
     * Encodes an array with its own dimensions.
     *
     * @param name the tensor name
     * @param a the array
     * @return the tensor
     */
    static TensorProto encode(String name, NDArray a) {
        return encode(name, a, a.getShape().getShape());
    }

    /**
     * Encodes an array with other dimensions of the same size (a per-channel vector written as
     * {@code [C, 1, 1]}).
     *
     * @param name the tensor name
     * @param a the array
     * @param dims the dimensions to write
     * @return the tensor
     */
    static TensorProto encode(String name, NDArray a, long[] dims) {
        OnnxDataType type = OnnxDataType.ofDjl(a.getDataType()).orElseThrow(() ->
                new ModelFormatException("tensor '" + name + "': data type " + a.getDataType()
                        + " cannot be written to ONNX"));
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.code());
        for (long d : dims) {
            t.addDims(d);
        }
        java.nio.ByteBuffer bytes = a.toByteBuffer(true);
        if (bytes.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new ModelFormatException("tensor '" + name + "': the engine returned big-endian bytes");
        }
        return t.setRawData(UnsafeByteOperations.unsafeWrap(bytes)).build();
    }

    /**
     * Encodes integers as an int64 tensor.
     *
     * @param name the tensor name
     * @param values the values (a 1-D tensor)
     * @return the tensor
     */
    static TensorProto longs(String name, long... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        b.flip();
        return TensorProto.newBuilder().setName(name).setDataType(OnnxDataType.INT64.code())
                .addDims(values.length).setRawData(UnsafeByteOperations.unsafeWrap(b)).build();
    }

    /**
     * Encodes floats as a float tensor.
     *
     * @param name the tensor name
     * @param dims the dimensions ({@code []} for a scalar)
     * @param values the values
     * @return the tensor
     */
    static TensorProto floats(String name, long[] dims, float... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        b.flip();
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(OnnxDataType.FLOAT.code()).setRawData(UnsafeByteOperations.unsafeWrap(b));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
