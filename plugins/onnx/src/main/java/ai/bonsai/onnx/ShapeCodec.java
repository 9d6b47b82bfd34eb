package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The shape ops of computed values: Flatten (axis 1), Reshape, Squeeze and Unsqueeze (as
 * {@code reshape}; one that changes the batch dimension is kept opaque with its shape, except a
 * Reshape without a -1 after its first entry, whose first length core's {@code reshape} infers, so
 * that windows fold into the batch dimension and back, written with -1 there), Transpose
 * (as {@code permute}), Expand to a constant shape, Concat, Split and Slice (positive steps, as a
 * chain of {@code slice} nodes), and {@code flatten}, {@code reshape}, {@code expand},
 * {@code concat}, {@code split}, {@code chunk}, {@code slice}, {@code permute} and
 * {@code transpose} back.
 */
final class ShapeCodec extends FamilyCodec {

    @Override
    public Set<OnnxOpId> imports() {
        return Stream.of("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Expand", "Concat", "Split",
                "Slice").map(OnnxOpId::of).collect(Collectors.toSet());
    }

    @Override
    public Set<String> exports() {
        return Set.of("flatten", "reshape", "expand", "concat", "split", "chunk", "slice", "permute", "transpose");
    }

    @Override
    public Optional<List<Value>> importNode(OnnxNode n, OnnxImportContext c) {
        if (!n.opType().equals("Concat") && !isDynamic(c, 0)) {
            return DECLINE;
        }
        return switch (n.opType()) {
            case "Flatten" -> flatten(n, c);
            case "Reshape" -> reshape(n, c);
            case "Squeeze", "Unsqueeze" -> squeezeOrUnsqueeze(n, c);
            case "Transpose" -> transpose(n, c);
            case "Expand" -> c.constant(1).isEmpty() ? DECLINE : unary(c, "expand", Attributes.of().with("shape",
                    Shapes.broadcast(c.value(0).shape(), new Shape(longs(c.constant(1).get()))).getShape()));
            case "Concat" -> concat(n, c);
            case "Split" -> split(n, c);
            default -> slice(c);
        };
    }

    private static Optional<List<Value>> flatten(OnnxNode n, OnnxImportContext c) {
        int rank = c.value(0).shape().dimension();
        long axis = n.longAttr("axis", 1);
        if ((axis < 0 ? axis + rank : axis) != 1 || rank < 2) {
            return DECLINE;
        }
        return unary(c, "flatten", Attributes.of().with("start_dim", 1).with("end_dim", -1));
    }

    private static Optional<List<Value>> reshape(OnnxNode n, OnnxImportContext c) {
        Optional<NDArray> shape = c.constant(1);
        if (shape.isEmpty()) {
            return DECLINE;
        }
        Shape x = c.value(0).shape();
        long[] target = longs(shape.get());
        boolean allowZero = n.longAttr("allowzero", 0) != 0;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0 && !allowZero) {
                if (i >= x.dimension()) {
                    return DECLINE;
                }
                target[i] = x.get(i);
            }
        }
        boolean firstInferred = target.length > 0 && LongStream.of(target).skip(1).noneMatch(t -> t == -1);
        return reshapeTo(c, target, firstInferred);
    }

    private static Optional<List<Value>> reshapeTo(OnnxImportContext c, long[] target) {
        return reshapeTo(c, target, false);
    }

    /**
     * Adds a {@code reshape}, or an opaque node when the batch dimension changes, unless the first
     * length may be inferred from the others (a Reshape without a later -1, which may fold windows
     * into the batch dimension, Swin's window partition, or unfold them).
     */
    private static Optional<List<Value>> reshapeTo(OnnxImportContext c, long[] target, boolean firstInferred) {
        Shape x = c.value(0).shape();
        if (target.length == 0 || !firstInferred && target[0] != -1 && target[0] != x.get(0)) {
            return Optional.of(c.opaque(List.of(Shapes.resolve(target, x))));
        }
        return unary(c, "reshape", Attributes.of().with("shape", target));
    }

    private static Optional<List<Value>> squeezeOrUnsqueeze(OnnxNode n, OnnxImportContext c) {
        long[] x = c.value(0).shape().getShape();
        long[] axes = axes(n, c, 1).orElse(null);
        return reshapeTo(c, n.opType().equals("Squeeze") ? Shapes.squeeze(x, axes)
                : Shapes.unsqueeze(x, axes == null ? new long[0] : axes));
    }

    private static Optional<List<Value>> transpose(OnnxNode n, OnnxImportContext c) {
        int rank = c.value(0).shape().dimension();
        long[] perm = n.longsAttr("perm").orElseGet(() -> LongStream.range(0, rank).map(d -> rank - 1 - d).toArray());
        return unary(c, "permute", Attributes.of().with("dims", perm));
    }

    private static Optional<List<Value>> concat(OnnxNode n, OnnxImportContext c) {
        int count = n.inputs().size();
        if (java.util.stream.IntStream.range(0, count).noneMatch(k -> isDynamic(c, k))) {
            return DECLINE;
        }
        Value[] in = new Value[count];
        for (int k = 0; k < count; k++) {
            in[k] = c.value(k);
        }
        return single(c, "concat", c.nodeName(), Attributes.of().with("dim", n.longAttr("axis", 0)), in);
    }

    /** Maps Split with sizes from the attribute, a constant input, or equal parts. */
    private static Optional<List<Value>> split(OnnxNode n, OnnxImportContext c) {
        Shape x = c.value(0).shape();
        long axis = n.longAttr("axis", 0);
        int dim = (int) (axis < 0 ? axis + x.dimension() : axis);
        int parts = n.outputs().size();
        long[] sizes;
        if (n.has("split")) {
            sizes = n.longsAttr("split").orElseThrow();
        } else if (c.hasInput(1)) {
            if (c.constant(1).isEmpty()) {
                return DECLINE;
            }
            sizes = longs(c.constant(1).get());
        } else {
            long length = x.get(dim);
            long each = (length + parts - 1) / parts;
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.min(each, length - each * i);
            }
        }
        if (sizes.length != parts) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not "
                    + "match its " + parts + " outputs");
        }
        return Optional.of(c.builder().node("split", c.nodeName(),
                Attributes.of().with("dim", axis).with("sizes", sizes), c.value(0)));
    }

    /**
     * Maps Slice with constant starts, ends, axes and positive steps (opset 10 and later). An end
     * past the dimension (exporters write {@code INT64_MAX} for "to the end") is kept, so the
     * written model slices to the end at every input size. A step-1 slice of a whole non-batch axis
     * (torchvision Swin's unpad {@code x[:, :H, :W, :]} at a size the window divides) is left out;
     * a Slice that is nothing else is its input.
     */
    private static Optional<List<Value>> slice(OnnxImportContext c) {
        if (c.opset("") < 10 || c.constant(1).isEmpty() || c.constant(2).isEmpty()
                || !absentOrConstant(c, 3) || !absentOrConstant(c, 4)) {
            return DECLINE;
        }
        long[] s = longs(c.constant(1).get());
        long[] e = longs(c.constant(2).get());
        long[] axes = c.constant(3).map(FamilyCodec::longs).orElseGet(() -> LongStream.range(0, s.length).toArray());
        long[] steps = c.constant(4).map(FamilyCodec::longs).orElseGet(() -> LongStream.generate(() -> 1)
                .limit(s.length).toArray());
        if (LongStream.of(steps).anyMatch(step -> step <= 0)) {
            return DECLINE;
        }
        Value x = c.value(0);
        String name = c.nodeName();
        Value y = x;
        int emitted = 0;
        for (int i = 0; i < s.length; i++) {
            int axis = (int) (axes[i] < 0 ? axes[i] + x.shape().dimension() : axes[i]);
            long length = x.shape().get(axis);
            if (axis > 0 && steps[i] == 1 && (s[i] == 0 || s[i] <= -length) && e[i] >= length) {
                continue;
            }
            y = c.builder().op("slice", emitted++ == 0 ? name : name + ".slice" + i, Attributes.of()
                    .with("dim", axes[i])
                    .with("start", Math.max(-length, Math.min(s[i], length)))
                    .with("end", e[i] > length ? e[i] : Math.max(-length, e[i]))
                    .with("step", steps[i]), y);
        }
        return Optional.of(List.of(y));
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        switch (node.op().name()) {
            case "flatten" -> flatten(node, c, a);
            case "reshape" -> reshapeTo(node, c, "Reshape");
            case "expand" -> expand(node, c);
            case "concat" -> {
                List<String> inputs = new ArrayList<>();
                for (int k = 0; k < node.inputs().size(); k++) {
                    inputs.add(c.input(k));
                }
                last(c, "Concat", inputs, Map.of("axis", a.getLong("dim")));
            }
            case "split", "chunk" -> split(node, c, a);
            case "slice" -> slice(node, c, a);
            case "permute" -> last(c, "Transpose", List.of(c.input(0)), Map.of("perm", perm(node, a.getLongs("dims"))));
            default -> transpose(node, c, a);
        }
    }

    /** Writes Slice with inputs, or with attributes before opset 10 (which know step 1 only). */
    private static void slice(Node node, OnnxExportContext c, Attributes a) {
        long step = a.has("step") ? a.getLong("step") : 1;
        if (c.opset() >= 10) {
            last(c, "Slice", List.of(c.input(0), c.longs("starts", a.getLong("start")),
                    c.longs("ends", a.getLong("end")), c.longs("axes", a.getLong("dim")), c.longs("steps", step)),
                    Map.of());
        } else if (step == 1) {
            last(c, "Slice", List.of(c.input(0)), Map.of("starts", new long[] {a.getLong("start")},
                    "ends", new long[] {a.getLong("end")}, "axes", new long[] {a.getLong("dim")}));
        } else {
            throw new ai.bonsai.api.model.ModelFormatException("node '" + node.name() + "': a slice with step "
                    + step + " has no equivalent before opset 10 (the model's opset is " + c.opset() + ")");
        }
    }

    /** Writes a flattening from dimension 1 to the last as Flatten, which holds for every input size. */
    private static void flatten(Node node, OnnxExportContext c, Attributes a) {
        int rank = node.input().shape().dimension();
        long start = a.getLong("start_dim") < 0 ? a.getLong("start_dim") + rank : a.getLong("start_dim");
        long end = a.getLong("end_dim") < 0 ? a.getLong("end_dim") + rank : a.getLong("end_dim");
        if (start == 1 && end == rank - 1) {
            last(c, "Flatten", List.of(c.input(0)), Map.of("axis", 1L));
        } else {
            reshapeTo(node, c, "Reshape");
        }
    }

    /**
     * Writes an expand as Expand, or before opset 8 (which has no Expand) as the same
     * bidirectional broadcast by a Mul with ones of the target shape (exact for floats).
     */
    private static void expand(Node node, OnnxExportContext c) {
        if (c.opset() >= 8) {
            reshapeTo(node, c, "Expand");
            return;
        }
        long[] shape = target(node, "Expand");
        float[] ones = new float[Math.toIntExact(new Shape(shape).size())];
        Arrays.fill(ones, 1f);
        last(c, "Mul", List.of(c.input(0), c.floats("ones", shape, ones)), Map.of());
    }

    /**
     * Writes the output shape as a constant, the batch entry as 0 (Reshape) or 1 (Expand) to keep it
     * symbolic; a Reshape that folds windows into the batch dimension or unfolds them (a first
     * length other than the input's) gets -1 there, inferred for any batch.
     */
    private static void reshapeTo(Node node, OnnxExportContext c, String opType) {
        last(c, opType, List.of(c.input(0), c.longs("shape", target(node, opType))), Map.of());
    }

    private static long[] target(Node node, String opType) {
        long[] shape = node.output().shape().getShape().clone();
        boolean reshape = opType.equals("Reshape");
        if (shape.length > 0 && node.input().shape().dimension() > 0 && shape[0] == node.input().shape().get(0)) {
            shape[0] = reshape ? 0 : 1;
        } else if (shape.length > 0 && reshape) {
            shape[0] = -1;
        }
        return shape;
    }

    private static void split(Node node, OnnxExportContext c, Attributes a) {
        int rank = node.input().shape().dimension();
        int dim = (int) (a.has("dim") ? a.getLong("dim") : 0);
        int d = dim < 0 ? dim + rank : dim;
        long[] sizes = node.outputs().stream().mapToLong(v -> v.shape().get(d)).toArray();
        List<String> outputs = new ArrayList<>();
        for (int k = 0; k < sizes.length; k++) {
            outputs.add(c.output(k));
        }
        if (c.opset() >= 13) {
            c.emit(OnnxNode.of("", "Split", List.of(c.input(0), c.longs("split", sizes)), outputs,
                    Map.of("axis", (long) d)));
        } else {
            c.emit(OnnxNode.of("", "Split", List.of(c.input(0)), outputs, Map.of("axis", (long) d, "split", sizes)));
        }
    }

    private static long[] perm(Node node, long[] dims) {
        int rank = node.input().shape().dimension();
        return LongStream.of(dims).map(p -> p < 0 ? p + rank : p).toArray();
    }

    private static void transpose(Node node, OnnxExportContext c, Attributes a) {
        int rank = node.input().shape().dimension();
        long[] perm = LongStream.range(0, rank).toArray();
        long d0 = a.getLong("dim0") < 0 ? a.getLong("dim0") + rank : a.getLong("dim0");
        long d1 = a.getLong("dim1") < 0 ? a.getLong("dim1") + rank : a.getLong("dim1");
        perm[(int) d0] = d1;
        perm[(int) d1] = d0;
        last(c, "Transpose", List.of(c.input(0)), Map.of("perm", perm));
    }
}
