package ai.bonsai.llm;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * The safetensors element types Bonsai reads, with their DJL types: floats for weights, integers
 * for token ids.
 */
public enum TensorType {
    /** 32-bit IEEE float. */
    F32(DataType.FLOAT32, 4),
    /** 16-bit IEEE float. */
    F16(DataType.FLOAT16, 2),
    /** bfloat16. */
    BF16(DataType.BFLOAT16, 2),
    /** 64-bit integer. */
    I64(DataType.INT64, 8),
    /** 32-bit integer. */
    I32(DataType.INT32, 4);

    private final DataType djl;
    private final int bytes;

    TensorType(DataType djl, int bytes) {
        this.djl = djl;
        this.bytes = bytes;
    }

    /**
     * Returns the DJL data type.
     *
     * @return the type
     */
    public DataType djl() {
        return djl;
    }

    /**
     * Returns the size of one element.
     *
     * @return bytes per element
     */
    public int bytes() {
        return bytes;
    }

    /**
     * Returns the {@code torch_dtype} name a Hugging Face config uses for this type.
     *
     * @return {@code float32}, {@code float16}, {@code bfloat16}, {@code int64} or {@code int32}
     */
    public String torchName() {
        switch (this) {
            case F16:
                return "float16";
            case BF16:
                return "bfloat16";
            case I64:
                return "int64";
            case I32:
                return "int32";
            default:
                return "float32";
        }
    }

    /**
     * Finds a type by its safetensors name.
     *
     * @param name the safetensors name, such as {@code BF16}
     * @return the type, or null if unsupported
     */
    static TensorType byName(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
