package ai.bonsai.llm;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/** The safetensors element types a checkpoint's weights may have, with their DJL types. */
public enum TensorType {
    /** 32-bit IEEE float. */
    F32(DataType.FLOAT32, 4),
    /** 16-bit IEEE float. */
    F16(DataType.FLOAT16, 2),
    /** bfloat16. */
    BF16(DataType.BFLOAT16, 2);

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
     * @return {@code float32}, {@code float16} or {@code bfloat16}
     */
    public String torchName() {
        switch (this) {
            case F16:
                return "float16";
            case BF16:
                return "bfloat16";
            default:
                return "float32";
        }
    }

    /**
     * Finds a type by its safetensors name.
     *
     * @param name {@code F32}, {@code F16} or {@code BF16}
     * @return the type, or null if unsupported
     */
    static TensorType byName(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
