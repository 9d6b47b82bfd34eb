package ai.bonsai.onnx;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/** The ONNX tensor element types Bonsai reads and writes, with their DJL counterparts. */
enum OnnxDataType {
    /** 32-bit float. */
    FLOAT(1, DataType.FLOAT32),
    /** Unsigned byte. */
    UINT8(2, DataType.UINT8),
    /** Signed byte. */
    INT8(3, DataType.INT8),
    /** 32-bit integer. */
    INT32(6, DataType.INT32),
    /** 64-bit integer. */
    INT64(7, DataType.INT64),
    /** Boolean, one byte each. */
    BOOL(9, DataType.BOOLEAN),
    /** 16-bit float. */
    FLOAT16(10, DataType.FLOAT16),
    /** 64-bit float. */
    DOUBLE(11, DataType.FLOAT64);

    private final int code;
    private final DataType djl;

    OnnxDataType(int code, DataType djl) {
        this.code = code;
        this.djl = djl;
    }

    /**
     * Returns the {@code TensorProto.DataType} number.
     *
     * @return the code
     */
    int code() {
        return code;
    }

    /**
     * Returns the DJL data type.
     *
     * @return the type
     */
    DataType djl() {
        return djl;
    }

    /**
     * Returns the bytes per element.
     *
     * @return the size
     */
    int bytes() {
        return djl.getNumOfBytes();
    }

    /**
     * Finds a type by its ONNX code.
     *
     * @param code the {@code TensorProto.DataType} number
     * @return the type, or empty when Bonsai does not read it
     */
    static Optional<OnnxDataType> ofCode(int code) {
        for (OnnxDataType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Finds the ONNX type of a DJL type.
     *
     * @param type the DJL type
     * @return the ONNX type, or empty
     */
    static Optional<OnnxDataType> ofDjl(DataType type) {
        for (OnnxDataType t : values()) {
            if (t.djl == type) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
