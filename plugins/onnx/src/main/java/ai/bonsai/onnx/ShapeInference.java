package ai.bonsai.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * The output shapes of the standard ONNX operators (opsets 7 to 21), by the rules of their
 * specifications, for the nodes Bonsai keeps opaque: shape-preserving, broadcasting, reducing,
 * pooling and convolving, gathering and scattering, shape-changing, recurrent and random ops. Ops
 * whose output shapes depend on the data ({@code NonZero}, {@code Unique}, a {@code Reshape} to a
 * computed shape, control flow on a computed condition) or that produce no tensor (sequences,
 * optionals) are {@link Unknown}.
 */
final class ShapeInference {

    /** Ops whose outputs have the shape of input 0. */
    static final Set<String> SAME_SHAPE = Set.of("Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh",
            "Bernoulli", "BitwiseNot", "Cast", "CastLike", "Ceil", "Celu", "Clip", "Cos", "Cosh", "CumSum",
            "DequantizeLinear", "Dropout", "Elu", "Erf", "Exp", "EyeLike", "Floor", "Gelu", "GroupNormalization",
            "HardSigmoid", "HardSwish", "Hardmax", "Identity", "InstanceNormalization", "IsInf", "IsNaN",
            "LRN", "LeakyRelu", "Log", "LogSoftmax", "LpNormalization", "MeanVarianceNormalization", "Mish",
            "Neg", "Not", "QuantizeLinear", "RandomNormalLike", "RandomUniformLike", "Reciprocal",
            "RegexFullMatch", "Relu", "ReverseSequence", "Round", "Scatter", "ScatterElements", "ScatterND",
            "Selu", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Softmax", "Softplus", "Softsign", "Sqrt",
            "Tan", "Tanh", "ThresholdedRelu", "Trilu");

    /** Ops whose output is the multidirectional broadcast of their inputs. */
    static final Set<String> BROADCAST = Set.of("Add", "And", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
            "Div", "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Max", "Mean", "Min", "Mod", "Mul",
            "Or", "PRelu", "Pow", "StringConcat", "Sub", "Sum", "Where", "Xor");

    /** The reductions over {@code axes}. */
    static final Set<String> REDUCE = Set.of("ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
            "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare");

    /** Ops whose output shapes depend on the data or that produce no tensor. */
    static final Set<String> UNKNOWABLE = Set.of("NonZero", "NonMaxSuppression", "Unique", "StringSplit",
            "StringNormalizer", "ImageDecoder", "TfIdfVectorizer", "DFT", "STFT", "MelWeightMatrix", "If", "Loop",
            "Scan", "SequenceAt", "SequenceConstruct", "SequenceEmpty", "SequenceErase", "SequenceInsert",
            "SequenceLength", "SequenceMap", "ConcatFromSequence", "SplitToSequence", "Optional",
            "OptionalGetElement", "OptionalHasElement");

    private static final Set<String> OTHERS = Set.of("ArgMax", "ArgMin", "AveragePool", "MaxPool", "LpPool",
            "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "Conv", "ConvInteger", "QLinearConv",
            "DeformConv", "ConvTranspose", "MaxUnpool", "MaxRoiPool", "RoiAlign", "BatchNormalization",
            "LayerNormalization", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split",
            "Slice", "Expand", "Tile", "Gather", "GatherElements", "GatherND", "Shape", "Size", "DepthToSpace",
            "SpaceToDepth", "Pad", "Resize", "Upsample", "Compress", "OneHot", "TopK", "Einsum", "MatMul",
            "MatMulInteger", "QLinearMatMul", "Gemm", "Range", "ConstantOfShape", "Constant", "CenterCropPad",
            "Det", "GridSample", "AffineGrid", "Col2Im", "RNN", "GRU", "LSTM", "Multinomial", "RandomNormal",
            "RandomUniform", "HannWindow", "HammingWindow", "BlackmanWindow", "NegativeLogLikelihoodLoss",
            "SoftmaxCrossEntropyLoss", "DynamicQuantizeLinear");

    private ShapeInference() {
    }

    /** The shapes and constant values of a node's inputs. */
    interface Operands {

        /**
         * Returns the shape of an input.
         *
         * @param k the slot
         * @return the shape, or empty for an absent input
         */
        Optional<Shape> shape(int k);

        /**
         * Returns an input's values when it is a constant.
         *
         * @param k the slot
         * @return the values, or empty when absent or computed by the graph
         */
        Optional<NDArray> constant(int k);
    }

    /** Thrown when a standard op's output shape cannot be known before running the model. */
    static final class Unknown extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param reason why the shape cannot be known
         */
        Unknown(String reason) {
            super(reason);
        }
    }

    /**
     * Tells whether an operator of the default domain has a rule here (or is known to have none).
     *
     * @param opType the op type
     * @return true for the standard operators
     */
    static boolean covers(String opType) {
        return SAME_SHAPE.contains(opType) || BROADCAST.contains(opType) || REDUCE.contains(opType)
                || UNKNOWABLE.contains(opType) || OTHERS.contains(opType);
    }

    /**
     * Infers the shapes of a default-domain node's outputs.
     *
     * @param n the node
     * @param in its inputs
     * @param opset the default-domain opset of the forms the node takes
     * @return one shape per non-empty output, or empty when the op is not a standard one
     * @throws Unknown when the shapes depend on the data or are not tensors
     */
    static Optional<List<Shape>> infer(NodeProto n, Operands in, long opset) {
        String op = n.getOpType();
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx") || !covers(op)) {
            return Optional.empty();
        }
        if (UNKNOWABLE.contains(op)) {
            throw new Unknown(op + " produces " + (op.startsWith("Sequence") || op.startsWith("Optional")
                    || op.endsWith("Sequence") ? "no tensor" : Set.of("If", "Loop", "Scan").contains(op)
                    ? "the outputs of a sub-graph chosen or repeated by data" : "outputs whose shape depends on the data"));
        }
        List<Shape> all = new Rules(n, in, opset).apply(op);
        List<Shape> present = new ArrayList<>();
        for (int k = 0; k < n.getOutputCount(); k++) {
            if (!n.getOutput(k).isEmpty()) {
                if (k >= all.size()) {
                    throw new Unknown("output " + k + " of " + op + " has no shape rule");
                }
                present.add(all.get(k));
            }
        }
        return Optional.of(present);
    }

    /** The rules, over one node. */
    private static final class Rules {

        private final NodeProto n;
        private final Operands in;
        private final long opset;
        private final OnnxAttributes at;

        Rules(NodeProto n, Operands in, long opset) {
            this.n = n;
            this.in = in;
            this.opset = opset;
            this.at = new OnnxAttributes(n);
        }

        private long[] x(int k) {
            return in.shape(k).orElseThrow(() -> new Unknown("input " + k + " is missing")).getShape();
        }

        private long[] longs(int k, String what) {
            return in.constant(k).map(a -> a.toType(DataType.INT64, false).toLongArray())
                    .orElseThrow(() -> new Unknown("its " + what + " (input " + k + ") is computed from data"));
        }

        private Optional<long[]> optionalLongs(int k) {
            return in.shape(k).isEmpty() ? Optional.empty() : Optional.of(longs(k, "input " + k));
        }

        private double[] doubles(int k, String what) {
            return in.constant(k).map(a -> a.toType(DataType.FLOAT64, false).toDoubleArray())
                    .orElseThrow(() -> new Unknown("its " + what + " (input " + k + ") is computed from data"));
        }

        private static List<Shape> one(long... dims) {
            return List.of(new Shape(dims));
        }

        private static int axis(long a, int rank) {
            int d = (int) (a < 0 ? a + rank : a);
            if (d < 0 || d >= rank) {
                throw new IllegalArgumentException("axis " + a + " is out of range for rank " + rank);
            }
            return d;
        }

        List<Shape> apply(String op) {
            if (SAME_SHAPE.contains(op)) {
                return List.of(new Shape(x(0)), new Shape(x(0)));
            }
            if (BROADCAST.contains(op)) {
                Shape s = new Shape();
                for (int k = 0; k < n.getInputCount(); k++) {
                    if (in.shape(k).isPresent()) {
                        s = Shapes.broadcast(s, in.shape(k).get());
                    }
                }
                return List.of(s);
            }
            if (REDUCE.contains(op)) {
                return reduce(op);
            }
            return switch (op) {
                case "ArgMax", "ArgMin" -> reduced(x(0), new long[] {at.i("axis", 0)}, at.i("keepdims", 1) != 0);
                case "AveragePool", "MaxPool", "LpPool" -> {
                    long[] y = pooled(x(0), at.ints("kernel_shape").orElseThrow(
                            () -> new IllegalArgumentException("attribute 'kernel_shape' is missing")), -1);
                    yield List.of(new Shape(y), new Shape(y));
                }
                case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" -> {
                    long[] y = x(0).clone();
                    Arrays.fill(y, 2, y.length, 1);
                    yield one(y);
                }
                case "Conv", "ConvInteger", "DeformConv" -> conv(0, 1);
                case "QLinearConv" -> conv(0, 3);
                case "ConvTranspose" -> convTranspose();
                case "MaxUnpool" -> maxUnpool();
                case "MaxRoiPool" -> roiPool(at.ints("pooled_shape").orElseThrow());
                case "RoiAlign" -> roiPool(new long[] {at.i("output_height", 1), at.i("output_width", 1)});
                case "BatchNormalization" -> {
                    Shape c = new Shape(x(0)[1]);
                    yield List.of(new Shape(x(0)), c, c, c, c);
                }
                case "LayerNormalization" -> {
                    long[] stat = x(0).clone();
                    Arrays.fill(stat, axis(at.i("axis", -1), stat.length), stat.length, 1);
                    yield List.of(new Shape(x(0)), new Shape(stat), new Shape(stat));
                }
                case "Reshape" -> reshape();
                case "Flatten" -> {
                    long[] s = x(0);
                    int a = (int) (at.i("axis", 1) < 0 ? at.i("axis", 1) + s.length : at.i("axis", 1));
                    yield one(new Shape(Arrays.copyOfRange(s, 0, a)).size(),
                            new Shape(Arrays.copyOfRange(s, a, s.length)).size());
                }
                case "Squeeze" -> one(Shapes.squeeze(x(0), at.has("axes") ? at.ints("axes").orElseThrow()
                        : optionalLongs(1).orElse(null)));
                case "Unsqueeze" -> one(Shapes.unsqueeze(x(0), at.has("axes") ? at.ints("axes").orElseThrow()
                        : longs(1, "axes")));
                case "Transpose" -> transpose();
                case "Concat" -> concat();
                case "Split" -> split();
                case "Slice" -> slice();
                case "Expand" -> List.of(Shapes.broadcast(new Shape(x(0)), new Shape(longs(1, "shape"))));
                case "Tile" -> {
                    long[] s = x(0).clone();
                    long[] r = longs(1, "repeats");
                    for (int d = 0; d < s.length; d++) {
                        s[d] *= r[d];
                    }
                    yield one(s);
                }
                case "Gather" -> gather();
                case "GatherElements" -> one(x(1));
                case "GatherND" -> gatherNd();
                case "Shape" -> {
                    int rank = x(0).length;
                    long start = clamp(at.i("start", 0), rank);
                    long end = clamp(at.i("end", rank), rank);
                    yield one(Math.max(0, end - start));
                }
                case "Size" -> one();
                case "DepthToSpace", "SpaceToDepth" -> spaceDepth(op.equals("DepthToSpace"));
                case "Pad" -> pad();
                case "Resize", "Upsample" -> resize(op);
                case "Compress" -> compress();
                case "OneHot" -> oneHot();
                case "TopK" -> topK();
                case "Einsum" -> List.of(Einsum.shape(at.s("equation", ""), inputShapes()));
                case "MatMul", "MatMulInteger" -> List.of(matMul(x(0), x(1)));
                case "QLinearMatMul" -> List.of(matMul(x(0), x(3)));
                case "Gemm" -> {
                    long[] a = x(0);
                    long[] b = x(1);
                    yield one(at.i("transA", 0) != 0 ? a[1] : a[0], at.i("transB", 0) != 0 ? b[0] : b[1]);
                }
                case "Range" -> {
                    double start = doubles(0, "start")[0];
                    double delta = doubles(2, "delta")[0];
                    yield one(Math.max(0, (long) Math.ceil((doubles(1, "limit")[0] - start) / delta)));
                }
                case "ConstantOfShape" -> one(longs(0, "shape"));
                case "Constant" -> throw new Unknown("a Constant without a value it can read");
                case "CenterCropPad" -> centerCropPad();
                case "Det" -> one(Arrays.copyOf(x(0), x(0).length - 2));
                case "GridSample" -> {
                    long[] g = x(1);
                    long[] y = new long[g.length];
                    y[0] = x(0)[0];
                    y[1] = x(0)[1];
                    System.arraycopy(g, 1, y, 2, g.length - 2);
                    yield one(y);
                }
                case "AffineGrid" -> {
                    long[] size = longs(1, "size");
                    long[] y = new long[size.length];
                    y[0] = size[0];
                    System.arraycopy(size, 2, y, 1, size.length - 2);
                    y[y.length - 1] = size.length - 2;
                    yield one(y);
                }
                case "Col2Im" -> {
                    long[] image = longs(1, "image shape");
                    long blocks = new Shape(longs(2, "block shape")).size();
                    long[] y = new long[2 + image.length];
                    y[0] = x(0)[0];
                    y[1] = x(0)[1] / blocks;
                    System.arraycopy(image, 0, y, 2, image.length);
                    yield one(y);
                }
                case "RNN", "GRU", "LSTM" -> recurrent();
                case "Multinomial" -> one(x(0)[0], at.i("sample_size", 1));
                case "RandomNormal", "RandomUniform" -> one(at.ints("shape").orElseThrow());
                case "HannWindow", "HammingWindow", "BlackmanWindow" -> one(longs(0, "size")[0]);
                case "NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss" -> {
                    Shape loss = at.s("reduction", "mean").equals("none") ? new Shape(x(1)) : new Shape();
                    yield List.of(loss, new Shape(x(0)));
                }
                case "DynamicQuantizeLinear" -> List.of(new Shape(x(0)), new Shape(), new Shape());
                default -> throw new Unknown(op + " has no shape rule");
            };
        }

        private List<Shape> inputShapes() {
            List<Shape> shapes = new ArrayList<>();
            for (int k = 0; k < n.getInputCount(); k++) {
                shapes.add(new Shape(x(k)));
            }
            return shapes;
        }

        private static long clamp(long axis, int rank) {
            long a = axis < 0 ? axis + rank : axis;
            return Math.max(0, Math.min(rank, a));
        }

        private List<Shape> reduce(String op) {
            long[] s = x(0);
            boolean keep = at.i("keepdims", 1) != 0;
            long[] axes;
            if (at.has("axes")) {
                axes = at.ints("axes").orElseThrow();
            } else if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
                axes = longs(1, "axes");
            } else {
                axes = new long[0];
            }
            if (axes.length == 0) {
                if (at.i("noop_with_empty_axes", 0) != 0) {
                    return one(s);
                }
                axes = LongStream.range(0, s.length).toArray();
            }
            return reduced(s, axes, keep);
        }

        private static List<Shape> reduced(long[] s, long[] axes, boolean keep) {
            boolean[] hit = new boolean[s.length];
            for (long a : axes) {
                hit[axis(a, s.length)] = true;
            }
            List<Long> out = new ArrayList<>();
            for (int d = 0; d < s.length; d++) {
                if (!hit[d]) {
                    out.add(s[d]);
                } else if (keep) {
                    out.add(1L);
                }
            }
            return one(out.stream().mapToLong(Long::longValue).toArray());
        }

        /** N, C and the pooled spatial sizes; {@code channels} replaces C when not negative. */
        private long[] pooled(long[] s, long[] kernel, long channels) {
            int rank = kernel.length;
            long[] strides = at.ints("strides").orElse(ones(rank));
            long[] dilations = at.ints("dilations").orElse(ones(rank));
            long[] pads = at.ints("pads").orElse(new long[2 * rank]);
            String auto = at.s("auto_pad", "NOTSET");
            boolean ceil = at.i("ceil_mode", 0) != 0;
            long[] y = new long[rank + 2];
            y[0] = s[0];
            y[1] = channels >= 0 ? channels : s[1];
            for (int d = 0; d < rank; d++) {
                long length = s[d + 2];
                long window = (kernel[d] - 1) * dilations[d] + 1;
                if (auto.startsWith("SAME")) {
                    y[d + 2] = ceilDiv(length, strides[d]);
                } else if (auto.equals("VALID")) {
                    y[d + 2] = Math.floorDiv(length - window, strides[d]) + 1;
                } else {
                    long span = length + pads[d] + pads[d + rank] - window;
                    long out = (ceil ? ceilDiv(span, strides[d]) : Math.floorDiv(span, strides[d])) + 1;
                    if (ceil && (out - 1) * strides[d] >= length + pads[d]) {
                        out--;
                    }
                    y[d + 2] = out;
                }
            }
            return y;
        }

        private static long ceilDiv(long a, long b) {
            return -Math.floorDiv(-a, b);
        }

        private static long[] ones(int rank) {
            long[] a = new long[rank];
            Arrays.fill(a, 1);
            return a;
        }

        private List<Shape> conv(int data, int weight) {
            long[] w = x(weight);
            return one(pooled(x(data), Arrays.copyOfRange(w, 2, w.length), w[0]));
        }

        private List<Shape> convTranspose() {
            long[] s = x(0);
            long[] w = x(1);
            int rank = w.length - 2;
            long[] y = new long[rank + 2];
            y[0] = s[0];
            y[1] = w[1] * at.i("group", 1);
            Optional<long[]> requested = at.ints("output_shape");
            long[] strides = at.ints("strides").orElse(ones(rank));
            long[] dilations = at.ints("dilations").orElse(ones(rank));
            long[] outputPadding = at.ints("output_padding").orElse(new long[rank]);
            long[] pads = at.ints("pads").orElse(new long[2 * rank]);
            for (int d = 0; d < rank; d++) {
                if (requested.isPresent()) {
                    long[] r = requested.get();
                    y[d + 2] = r[r.length - rank + d];
                } else if (at.s("auto_pad", "NOTSET").startsWith("SAME")) {
                    y[d + 2] = s[d + 2] * strides[d];
                } else {
                    y[d + 2] = strides[d] * (s[d + 2] - 1) + outputPadding[d] + (w[d + 2] - 1) * dilations[d] + 1
                            - pads[d] - pads[d + rank];
                }
            }
            return one(y);
        }

        private List<Shape> maxUnpool() {
            if (in.shape(2).isPresent()) {
                return one(longs(2, "output shape"));
            }
            long[] s = x(0);
            long[] kernel = at.ints("kernel_shape").orElseThrow();
            int rank = kernel.length;
            long[] strides = at.ints("strides").orElse(ones(rank));
            long[] pads = at.ints("pads").orElse(new long[2 * rank]);
            long[] y = s.clone();
            for (int d = 0; d < rank; d++) {
                y[d + 2] = (s[d + 2] - 1) * strides[d] + kernel[d] - pads[d] - pads[d + rank];
            }
            return one(y);
        }

        private List<Shape> roiPool(long[] pooled) {
            long[] y = new long[2 + pooled.length];
            y[0] = x(1)[0];
            y[1] = x(0)[1];
            System.arraycopy(pooled, 0, y, 2, pooled.length);
            return one(y);
        }

        private List<Shape> reshape() {
            long[] s = x(0);
            long[] target = longs(1, "target shape").clone();
            if (at.i("allowzero", 0) == 0) {
                for (int i = 0; i < target.length; i++) {
                    if (target[i] == 0 && i < s.length) {
                        target[i] = s[i];
                    }
                }
            }
            return List.of(Shapes.resolve(target, new Shape(s)));
        }

        private List<Shape> transpose() {
            long[] s = x(0);
            long[] perm = at.ints("perm").orElseGet(() -> LongStream.range(0, s.length).map(d -> s.length - 1 - d)
                    .toArray());
            long[] y = new long[s.length];
            for (int d = 0; d < y.length; d++) {
                y[d] = s[(int) perm[d]];
            }
            return one(y);
        }

        private List<Shape> concat() {
            long[] y = x(0).clone();
            int a = axis(at.i("axis", 0), y.length);
            for (int k = 1; k < n.getInputCount(); k++) {
                y[a] += x(k)[a];
            }
            return one(y);
        }

        private List<Shape> split() {
            long[] s = x(0);
            int a = axis(at.i("axis", 0), s.length);
            int parts = n.getOutputCount();
            long[] sizes;
            if (at.has("split")) {
                sizes = at.ints("split").orElseThrow();
            } else if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
                sizes = longs(1, "split sizes");
            } else {
                long each = ceilDiv(s[a], at.has("num_outputs") ? at.i("num_outputs", parts) : parts);
                sizes = new long[parts];
                for (int i = 0; i < parts; i++) {
                    sizes[i] = Math.max(0, Math.min(each, s[a] - each * i));
                }
            }
            List<Shape> out = new ArrayList<>();
            for (long size : sizes) {
                long[] y = s.clone();
                y[a] = size;
                out.add(new Shape(y));
            }
            return out;
        }

        private List<Shape> slice() {
            long[] s = x(0);
            long[] starts;
            long[] ends;
            long[] axes;
            long[] steps;
            if (at.has("starts")) {
                starts = at.ints("starts").orElseThrow();
                ends = at.ints("ends").orElseThrow();
                axes = at.ints("axes").orElse(null);
                steps = null;
            } else {
                starts = longs(1, "starts");
                ends = longs(2, "ends");
                axes = optionalLongs(3).orElse(null);
                steps = optionalLongs(4).orElse(null);
            }
            long[] y = s.clone();
            for (int i = 0; i < starts.length; i++) {
                int a = axis(axes == null ? i : axes[i], s.length);
                long step = steps == null ? 1 : steps[i];
                long length = s[a];
                long start = starts[i] < 0 ? starts[i] + length : starts[i];
                long end = ends[i] < 0 ? ends[i] + length : ends[i];
                if (step > 0) {
                    start = Math.max(0, Math.min(length, start));
                    end = Math.max(0, Math.min(length, end));
                    y[a] = Math.max(0, ceilDiv(end - start, step));
                } else {
                    start = Math.max(-1, Math.min(length - 1, start));
                    end = Math.max(-1, Math.min(length - 1, end));
                    y[a] = Math.max(0, ceilDiv(start - end, -step));
                }
            }
            return one(y);
        }

        private List<Shape> gather() {
            long[] data = x(0);
            long[] idx = x(1);
            int a = axis(at.i("axis", 0), data.length);
            long[] y = new long[data.length - 1 + idx.length];
            System.arraycopy(data, 0, y, 0, a);
            System.arraycopy(idx, 0, y, a, idx.length);
            System.arraycopy(data, a + 1, y, a + idx.length, data.length - a - 1);
            return one(y);
        }

        private List<Shape> gatherNd() {
            long[] data = x(0);
            long[] idx = x(1);
            int batch = (int) at.i("batch_dims", 0);
            int last = (int) idx[idx.length - 1];
            long[] y = new long[idx.length - 1 + data.length - batch - last];
            System.arraycopy(idx, 0, y, 0, idx.length - 1);
            System.arraycopy(data, batch + last, y, idx.length - 1, data.length - batch - last);
            return one(y);
        }

        private List<Shape> spaceDepth(boolean toSpace) {
            long[] s = x(0);
            long b = at.i("blocksize", 1);
            long[] y = s.clone();
            int spatial = s.length - 2;
            long area = (long) Math.pow(b, spatial);
            y[1] = toSpace ? s[1] / area : s[1] * area;
            for (int d = 2; d < s.length; d++) {
                y[d] = toSpace ? s[d] * b : s[d] / b;
            }
            return one(y);
        }

        private List<Shape> pad() {
            long[] s = x(0);
            long[] pads = at.has("pads") ? at.ints("pads").orElseThrow() : longs(1, "pads");
            long[] axes = opset >= 18 && in.shape(3).isPresent() ? longs(3, "axes")
                    : LongStream.range(0, s.length).toArray();
            long[] y = s.clone();
            for (int i = 0; i < axes.length; i++) {
                int a = axis(axes[i], s.length);
                y[a] += pads[i] + pads[i + axes.length];
            }
            return one(y);
        }

        private List<Shape> resize(String op) {
            long[] s = x(0);
            long[] axes = LongStream.range(0, s.length).toArray();
            if (at.has("axes")) {
                axes = at.ints("axes").orElseThrow();
            }
            long[] y = s.clone();
            if (op.equals("Upsample") && at.has("scales") || op.equals("Resize") && opset < 11) {
                double[] scales = op.equals("Upsample") && at.has("scales") ? floats(at.floats("scales").orElseThrow())
                        : doubles(1, "scales");
                for (int d = 0; d < s.length; d++) {
                    y[d] = (long) ((float) scales[d] * (float) s[d]);
                }
                return one(y);
            }
            int sizes = op.equals("Upsample") ? -1 : 3;
            int scales = op.equals("Upsample") ? 1 : 2;
            if (sizes > 0 && in.shape(sizes).isPresent() && in.shape(sizes).get().size() > 0) {
                long[] v = longs(sizes, "sizes");
                for (int i = 0; i < axes.length; i++) {
                    y[axis(axes[i], s.length)] = v[i];
                }
                return one(y);
            }
            double[] v = doubles(scales, "scales");
            for (int i = 0; i < axes.length; i++) {
                int a = axis(axes[i], s.length);
                y[a] = (long) ((float) v[i] * (float) s[a]);
            }
            return one(y);
        }

        private static double[] floats(float[] f) {
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }

        private List<Shape> compress() {
            long[] s = x(0);
            long[] condition = longs(1, "condition");
            if (!at.has("axis")) {
                long length = new Shape(s).size();
                return one(LongStream.range(0, Math.min(length, condition.length)).filter(i -> condition[(int) i] != 0)
                        .count());
            }
            int a = axis(at.i("axis", 0), s.length);
            long[] y = s.clone();
            y[a] = LongStream.range(0, Math.min(s[a], condition.length)).filter(i -> condition[(int) i] != 0).count();
            return one(y);
        }

        private List<Shape> oneHot() {
            long[] idx = x(0);
            long depth = (long) doubles(1, "depth")[0];
            int a = (int) (at.i("axis", -1) < 0 ? at.i("axis", -1) + idx.length + 1 : at.i("axis", -1));
            long[] y = new long[idx.length + 1];
            System.arraycopy(idx, 0, y, 0, a);
            y[a] = depth;
            System.arraycopy(idx, a, y, a + 1, idx.length - a);
            return one(y);
        }

        private List<Shape> topK() {
            long[] s = x(0).clone();
            long k = at.has("k") ? at.i("k", 1) : longs(1, "k")[0];
            s[axis(at.i("axis", -1), s.length)] = k;
            return List.of(new Shape(s), new Shape(s));
        }

        private List<Shape> centerCropPad() {
            long[] s = x(0).clone();
            long[] shape = longs(1, "shape");
            long[] axes = at.ints("axes").orElse(LongStream.range(0, s.length).toArray());
            for (int i = 0; i < axes.length; i++) {
                s[axis(axes[i], s.length)] = shape[i];
            }
            return one(s);
        }

        private List<Shape> recurrent() {
            long[] s = x(0);
            long hidden = at.i("hidden_size", 0);
            long directions = at.s("direction", "forward").equals("bidirectional") ? 2 : 1;
            boolean batchFirst = at.i("layout", 0) != 0;
            long sequence = batchFirst ? s[1] : s[0];
            long batch = batchFirst ? s[0] : s[1];
            Shape y = batchFirst ? new Shape(batch, sequence, directions, hidden)
                    : new Shape(sequence, directions, batch, hidden);
            Shape last = batchFirst ? new Shape(batch, directions, hidden) : new Shape(directions, batch, hidden);
            return List.of(y, last, last);
        }

        /** numpy's matmul: 1-D operands promoted and their dimension dropped, batch dimensions broadcast. */
        private static Shape matMul(long[] a, long[] b) {
            long[] left = a.length == 1 ? new long[] {1, a[0]} : a;
            long[] right = b.length == 1 ? new long[] {b[0], 1} : b;
            if (left[left.length - 1] != right[right.length - 2]) {
                throw new IllegalArgumentException("MatMul of " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + ": inner dimensions differ");
            }
            Shape batch = Shapes.broadcast(new Shape(Arrays.copyOf(left, left.length - 2)),
                    new Shape(Arrays.copyOf(right, right.length - 2)));
            List<Long> y = new ArrayList<>();
            for (long d : batch.getShape()) {
                y.add(d);
            }
            if (a.length > 1) {
                y.add(left[left.length - 2]);
            }
            if (b.length > 1) {
                y.add(right[right.length - 1]);
            }
            return new Shape(y.stream().mapToLong(Long::longValue).toArray());
        }
    }
}
