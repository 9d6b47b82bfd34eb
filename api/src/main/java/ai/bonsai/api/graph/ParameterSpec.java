package ai.bonsai.api.graph;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The declaration of a parameter an op type needs: local name, shape, type, initializer.
 *
 * @param localName the local name ({@code weight}); the parameter's full name is {@code
 *     node.localName}, or the node's own name when the local name is empty (a node that is
 *     itself a parameter, such as a class token)
 * @param shape the shape
 * @param dataType the element type
 * @param init how a freshly built graph fills it
 * @param trainable whether it is a trained weight (false for running statistics)
 */
public record ParameterSpec(
        String localName, Shape shape, DataType dataType, Init init, boolean trainable) {

    /**
     * Declares a trainable float32 weight.
     *
     * @param localName the local name
     * @param shape the shape
     * @param init the initializer
     * @return the spec
     */
    public static ParameterSpec weight(String localName, Shape shape, Init init) {
        return new ParameterSpec(localName, shape, DataType.FLOAT32, init, true);
    }

    /**
     * Declares a non-trainable buffer.
     *
     * @param localName the local name
     * @param shape the shape
     * @param dataType the element type
     * @param init the initializer
     * @return the spec
     */
    public static ParameterSpec buffer(String localName, Shape shape, DataType dataType, Init init) {
        return new ParameterSpec(localName, shape, dataType, init, false);
    }

    /**
     * Initializers, seeded by the graph builder.
     *
     * @param fanIn the fan-in for {@link Kind#UNIFORM_FAN_IN}, ignored otherwise
     * @param kind the kind
     */
    public record Init(Kind kind, long fanIn) {

        /** Zeros. */
        public static final Init ZEROS = new Init(Kind.ZEROS, 0);

        /** Ones. */
        public static final Init ONES = new Init(Kind.ONES, 0);

        /**
         * PyTorch's default for conv/linear weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
         *
         * @param fanIn inputs per output unit
         * @return the initializer
         */
        public static Init uniformFanIn(long fanIn) {
            return new Init(Kind.UNIFORM_FAN_IN, fanIn);
        }

        /** Initializer kinds. */
        public enum Kind {
            /** All zeros. */
            ZEROS,
            /** All ones. */
            ONES,
            /** Uniform in +-1/sqrt(fanIn). */
            UNIFORM_FAN_IN,
            /** Uniform in [0.5, 1.5): positive, distinct scales (for norm weights in tests). */
            UNIFORM_POSITIVE
        }
    }
}
