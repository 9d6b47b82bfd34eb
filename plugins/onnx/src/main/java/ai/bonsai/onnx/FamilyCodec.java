package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpCodec;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the ONNX plugin's built-in codecs share: reading operands through the
 * {@link OnnxImportContext} and emitting default-domain nodes through the
 * {@link OnnxExportContext}, exactly as a codec in another plugin would.
 */
abstract class FamilyCodec implements OnnxOpCodec {

    /** The value of a codec that declines a node (it is then kept opaque). */
    static final Optional<List<Value>> DECLINE = Optional.empty();

    /**
     * Tells whether an input is computed by the graph (present and not a constant).
     *
     * @param c the import
     * @param k the input slot
     * @return true for a dynamic input
     */
    static boolean isDynamic(OnnxImportContext c, int k) {
        return c.hasInput(k) && c.constant(k).isEmpty();
    }

    /**
     * Tells whether an optional input is absent or a constant.
     *
     * @param c the import
     * @param k the input slot
     * @return true when absent or constant
     */
    static boolean absentOrConstant(OnnxImportContext c, int k) {
        return !c.hasInput(k) || c.constant(k).isPresent();
    }

    /**
     * Returns the single value of a one-element constant.
     *
     * @param a the constant
     * @return the value
     */
    static double scalar(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray()[0];
    }

    /**
     * Returns a constant's values as longs.
     *
     * @param a the constant
     * @return the values, flattened
     */
    static long[] longs(NDArray a) {
        return a.toType(DataType.INT64, false).toLongArray();
    }

    /**
     * Returns a node's axes, from its {@code axes} attribute or (newer opsets) a constant input.
     *
     * @param n the node
     * @param c the import
     * @param input the slot of the axes input
     * @return the axes, or empty when neither is there
     */
    static Optional<long[]> axes(OnnxNode n, OnnxImportContext c, int input) {
        return n.has("axes") ? n.longsAttr("axes") : c.constant(input).map(FamilyCodec::longs);
    }

    /**
     * Adds a single-output node named after the ONNX node.
     *
     * @param c the import
     * @param opType the Bonsai op type
     * @param name the Bonsai node name
     * @param a the attributes
     * @param in the inputs
     * @return the output, as an import result
     */
    static Optional<List<Value>> single(OnnxImportContext c, String opType, String name, Attributes a,
            Value... in) {
        return Optional.of(List.of(c.builder().op(opType, name, a, in)));
    }

    /**
     * Maps a one-input op whose input is computed by the graph.
     *
     * @param c the import
     * @param opType the Bonsai op type
     * @param a the attributes
     * @return the output, or {@link #DECLINE} for a constant input
     */
    static Optional<List<Value>> unary(OnnxImportContext c, String opType, Attributes a) {
        if (!isDynamic(c, 0)) {
            return DECLINE;
        }
        return single(c, opType, c.nodeName(), a, c.value(0));
    }

    /**
     * Emits a default-domain node that writes the Bonsai node's first output.
     *
     * @param c the export
     * @param opType the ONNX op type
     * @param inputs the input names
     * @param attributes the attributes
     */
    static void last(OnnxExportContext c, String opType, List<String> inputs, Map<String, Object> attributes) {
        c.emit(OnnxNode.of("", opType, inputs, List.of(c.output(0)), attributes));
    }

    /**
     * Emits a default-domain node into a fresh intermediate value.
     *
     * @param c the export
     * @param opType the ONNX op type
     * @param inputs the input names
     * @param attributes the attributes
     * @return the intermediate value's name
     */
    static String step(OnnxExportContext c, String opType, List<String> inputs, Map<String, Object> attributes) {
        String out = c.temp(opType);
        c.emit(OnnxNode.of("", opType, inputs, List.of(out), attributes));
        return out;
    }

    /**
     * Emits a one-input, attribute-free default-domain node from input 0 to output 0.
     *
     * @param c the export
     * @param opType the ONNX op type
     */
    static void simple(OnnxExportContext c, String opType) {
        last(c, opType, List.of(c.input(0)), Map.of());
    }

    /**
     * Writes a float scalar initializer.
     *
     * @param c the export
     * @param what the name suffix
     * @param v the value
     * @return the initializer name
     */
    static String scalar(OnnxExportContext c, String what, double v) {
        return c.floats(what, new long[0], (float) v);
    }
}
