package ai.bonsai.onnx;

import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Resolves the declared shapes of a model's graph inputs to the static shapes Bonsai works with:
 * static dimensions as declared, symbolic ones ({@code dim_param} or unknown) from the sizes the
 * caller gives ({@code --input-shape images=1,3,640,640}, the plan's {@code model.input_shapes});
 * without them a symbolic first (batch) dimension is 1 and any other symbolic dimension is an
 * error that proposes sizes to give. The declared form is kept ({@link #declared}) so the writer
 * gives the pruned file the original's symbolic dimensions back.
 */
final class InputShapes {

    /** What {@link #declared} writes for an unknown dimension without a name. */
    static final String UNKNOWN = "?";

    private final Path file;
    private final Map<String, Shape> given;

    /**
     * Creates the resolution of one import.
     *
     * @param file the model file, for messages
     * @param given the sizes given by input name
     */
    InputShapes(Path file, Map<String, Shape> given) {
        this.file = file;
        this.given = given;
    }

    /**
     * Checks that every given shape names a graph input.
     *
     * @param inputs the names of the graph inputs that are not initializers
     * @throws ModelFormatException naming the unknown input and listing the inputs
     */
    void checkNames(List<String> inputs) {
        for (String name : given.keySet()) {
            if (!inputs.contains(name)) {
                throw new ModelFormatException(file + ": an input shape is given for '" + name
                        + "', but the model has no such input; its inputs: " + inputs);
            }
        }
    }

    /**
     * Resolves one graph input.
     *
     * @param in the graph input
     * @return its static shape
     * @throws ModelFormatException naming the input and dimension, and proposing sizes when one is
     *     symbolic and not given
     */
    Shape resolve(ValueInfoProto in) {
        if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) {
            Optional<Shape> s = Optional.ofNullable(given.get(in.getName()));
            return s.orElseThrow(() -> new ModelFormatException(file + ": graph input '" + in.getName()
                    + "' has no tensor shape; give it with --input-shape " + in.getName() + "=... "
                    + "(plan: model.input_shapes)"));
        }
        TensorShapeProto shape = in.getType().getTensorType().getShape();
        int rank = shape.getDimCount();
        Shape wanted = given.get(in.getName());
        if (wanted != null) {
            return checked(in.getName(), shape, wanted);
        }
        long[] dims = new long[rank];
        List<Integer> symbolic = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            TensorShapeProto.Dimension dim = shape.getDim(d);
            if (dim.hasDimValue() && dim.getDimValue() > 0) {
                dims[d] = dim.getDimValue();
            } else if (d == 0) {
                dims[d] = 1;
            } else {
                symbolic.add(d);
            }
        }
        if (!symbolic.isEmpty()) {
            throw new ModelFormatException(file + ": graph input '" + in.getName() + "' has symbolic "
                    + "dimension" + (symbolic.size() > 1 ? "s " : " ") + symbolic.stream()
                            .map(d -> d + " (" + describe(shape.getDim(d)) + ")").collect(Collectors.joining(", "))
                    + "; give its sizes, for example --input-shape " + in.getName() + "="
                    + proposal(shape) + " (plan: model.input_shapes: {" + in.getName() + ": "
                    + Arrays.toString(proposalDims(shape)) + "})");
        }
        return new Shape(dims);
    }

    private Shape checked(String name, TensorShapeProto shape, Shape wanted) {
        if (wanted.dimension() != shape.getDimCount()) {
            throw new ModelFormatException(file + ": the input shape given for '" + name + "' " + wanted
                    + " has " + wanted.dimension() + " dimensions; the model declares " + shape.getDimCount()
                    + " (" + declared(shape) + ")");
        }
        for (int d = 0; d < wanted.dimension(); d++) {
            TensorShapeProto.Dimension dim = shape.getDim(d);
            if (wanted.get(d) < 1) {
                throw new ModelFormatException(file + ": the input shape given for '" + name + "' "
                        + wanted + " has a size below 1 in dimension " + d);
            }
            if (dim.hasDimValue() && dim.getDimValue() > 0 && dim.getDimValue() != wanted.get(d)) {
                throw new ModelFormatException(file + ": the input shape given for '" + name + "' "
                        + wanted + " has " + wanted.get(d) + " in dimension " + d + ", which the model "
                        + "declares static with size " + dim.getDimValue() + " (" + declared(shape) + ")");
            }
        }
        return wanted;
    }

    private static String describe(TensorShapeProto.Dimension dim) {
        return dim.hasDimParam() && !dim.getDimParam().isEmpty() ? "'" + dim.getDimParam() + "'" : "unknown";
    }

    /** Batch 1, the static sizes, 224 for symbolic image dimensions and 128 for other ones (sequences). */
    private static long[] proposalDims(TensorShapeProto shape) {
        int rank = shape.getDimCount();
        long[] dims = new long[rank];
        for (int d = 0; d < rank; d++) {
            TensorShapeProto.Dimension dim = shape.getDim(d);
            if (dim.hasDimValue() && dim.getDimValue() > 0) {
                dims[d] = dim.getDimValue();
            } else {
                dims[d] = d == 0 ? 1 : rank >= 3 ? 224 : 128;
            }
        }
        return dims;
    }

    private static String proposal(TensorShapeProto shape) {
        return Arrays.stream(proposalDims(shape)).mapToObj(String::valueOf).collect(Collectors.joining(","));
    }

    /**
     * Returns the declared dimensions as the metadata keeps them: a number for a static size, the
     * {@code dim_param} name for a symbolic one, {@link #UNKNOWN} for an unknown one.
     *
     * @param shape the declared shape
     * @return the comma-separated dimensions
     */
    static String declared(TensorShapeProto shape) {
        StringJoiner j = new StringJoiner(",");
        for (TensorShapeProto.Dimension dim : shape.getDimList()) {
            if (dim.hasDimValue() && dim.getDimValue() > 0) {
                j.add(String.valueOf(dim.getDimValue()));
            } else {
                j.add(dim.hasDimParam() && !dim.getDimParam().isEmpty() ? dim.getDimParam() : UNKNOWN);
            }
        }
        return j.toString();
    }
}
