package ai.bonsai.onnx;

import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;

/**
 * What an ONNX value name stands for during import: a value of the Bonsai graph, or a constant
 * known at import time (an initializer, a {@code Constant}, a folded shape computation).
 */
sealed interface Operand permits Operand.Dynamic, Operand.Known {

    /**
     * A value computed by the Bonsai graph.
     *
     * @param value the value
     */
    record Dynamic(Value value) implements Operand {
    }

    /**
     * A constant.
     *
     * @param array the data
     * @param initializer the initializer or {@code Constant} output it comes from, or null for
     *     computed constants
     */
    record Known(NDArray array, String initializer) implements Operand {

        /**
         * Returns the values as longs (for shapes, axes, sizes).
         *
         * @return the values, flattened
         */
        long[] longs() {
            return array.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        }

        /**
         * Returns the single value of a one-element constant as a double.
         *
         * @return the value
         */
        double scalar() {
            return array.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray()[0];
        }
    }
}
