package ai.bonsai.api.onnx;

import java.util.Objects;

/**
 * An ONNX operator: its domain and op_type. The default domain is the empty string; the alias
 * {@code ai.onnx} is normalized to it.
 *
 * @param domain the domain, such as {@code ""} or {@code com.example}
 * @param opType the op type, such as {@code Relu}
 */
public record OnnxOpId(String domain, String opType) {

    /** The default ONNX domain. */
    public static final String DEFAULT_DOMAIN = "";

    /**
     * Creates an id, normalizing {@code ai.onnx} to the default domain.
     *
     * @param domain the domain
     * @param opType the op type
     */
    public OnnxOpId {
        Objects.requireNonNull(opType, "opType");
        domain = domain == null || domain.equals("ai.onnx") ? DEFAULT_DOMAIN : domain;
    }

    /**
     * Returns the id of an op of the default domain.
     *
     * @param opType the op type, such as {@code Relu}
     * @return the id
     */
    public static OnnxOpId of(String opType) {
        return new OnnxOpId(DEFAULT_DOMAIN, opType);
    }

    @Override
    public String toString() {
        return domain.isEmpty() ? opType : domain + "::" + opType;
    }
}
