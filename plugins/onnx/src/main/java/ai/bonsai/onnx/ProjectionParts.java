package ai.bonsai.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds how PyTorch's export of {@code nn.MultiheadAttention} cuts a packed projection {@code
 * [L, B, n·E]} into its n parts of E (q, k, v of self-attention; k, v of cross-attention):
 *
 * <ul>
 *   <li>n Slices of E along the last axis (bounds constant or computed from the projection's
 *       {@code Shape}), or one Split in n equal parts (PyTorch 1's {@code chunk});
 *   <li>PyTorch 2's {@code _in_projection_packed}: {@code unflatten(-1, (n, E))} as a Reshape to
 *       {@code [L, B, n, E]} (target constant or computed from the projection's {@code Shape}),
 *       {@code Unsqueeze(0)}, {@code Transpose(0, -2)} (perm {@code (3, 1, 2, 0, 4)}), {@code
 *       Squeeze(-2)}, then one {@code Gather} per part along axis 0 with the scalar index i.
 * </ul>
 *
 * <p>{@code Shape} nodes reading the projection are evaluated here (the projection's shape is
 * static), so that targets computed from them fold ahead of the walk.
 */
final class ProjectionParts {

    private final OnnxImporter ctx;

    /**
     * Creates the finder of one import.
     *
     * @param ctx the import
     */
    ProjectionParts(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /**
     * Returns the values of the n parts, ordered by their offset in the projection.
     *
     * @param proj the projection's value
     * @param projShape its shape {@code [L, B, n·E]}
     * @param n the number of parts
     * @param members receives the nodes that cut the projection
     * @param shapeNodes receives the {@code Shape} nodes of the projection
     * @return the parts, or empty when the projection is not cut in one of these forms
     */
    Optional<List<String>> find(String proj, Shape projShape, int n, List<NodeProto> members,
            List<NodeProto> shapeNodes) {
        long e = projShape.get(2) / n;
        List<NodeProto> users = new ArrayList<>();
        for (NodeProto u : ctx.consumers(proj)) {
            if (u.getOpType().equals("Shape")) {
                shapeNodes.add(u);
                ctx.define(u.getOutput(0), new Operand.Known(ctx.builder().manager().create(
                        shapeSlice(u, projShape.getShape())), null));
            } else {
                users.add(u);
            }
        }
        if (users.isEmpty() || ctx.isGraphOutput(proj)) {
            return Optional.empty();
        }
        String[] parts = new String[n];
        List<NodeProto> found = new ArrayList<>();
        for (NodeProto u : users) {
            boolean fits = switch (u.getOpType()) {
                case "Slice" -> slice(u, projShape, e, parts);
                case "Split" -> users.size() == 1 && split(u, projShape, n, e, parts);
                case "Reshape" -> users.size() == 1 && packed(u, projShape, n, e, found, parts);
                default -> false;
            };
            if (!fits) {
                return Optional.empty();
            }
            found.add(u);
        }
        if (Arrays.stream(parts).anyMatch(p -> p == null)) {
            return Optional.empty();
        }
        members.addAll(found);
        return Optional.of(List.of(parts));
    }

    private boolean slice(NodeProto slice, Shape projShape, long e, String[] parts) {
        long[] bounds = sliceBounds(slice, projShape);
        if (bounds.length == 0 || bounds[1] - bounds[0] != e || bounds[0] % e != 0
                || parts[(int) (bounds[0] / e)] != null) {
            return false;
        }
        parts[(int) (bounds[0] / e)] = slice.getOutput(0);
        return true;
    }

    /** [start, end) of a Slice along the projection's last axis, or empty. */
    private long[] sliceBounds(NodeProto slice, Shape projShape) {
        if (slice.getInputCount() < 3) {
            return new long[0];
        }
        Optional<Operand.Known> starts = ctx.foldAhead(slice.getInput(1));
        Optional<Operand.Known> ends = ctx.foldAhead(slice.getInput(2));
        Optional<Operand.Known> axes = slice.getInputCount() > 3 ? ctx.foldAhead(slice.getInput(3)) : Optional.empty();
        Optional<Operand.Known> steps = slice.getInputCount() > 4 ? ctx.foldAhead(slice.getInput(4)) : Optional.empty();
        if (starts.isEmpty() || ends.isEmpty() || starts.get().longs().length != 1
                || axes.isEmpty() && slice.getInputCount() > 3 && !slice.getInput(3).isEmpty()
                || steps.isEmpty() && slice.getInputCount() > 4 && !slice.getInput(4).isEmpty()) {
            return new long[0];
        }
        long axis = axes.map(a -> a.longs()[0]).orElse(0L);
        long step = steps.map(a -> a.longs()[0]).orElse(1L);
        long length = projShape.get(2);
        if ((axis != -1 && axis != 2) || step != 1) {
            return new long[0];
        }
        long start = Math.max(0, Math.min(clamp(starts.get().longs()[0], length), length));
        long end = Math.max(0, Math.min(clamp(ends.get().longs()[0], length), length));
        return new long[] {start, end};
    }

    private boolean split(NodeProto split, Shape projShape, int n, long e, String[] parts) {
        OnnxAttributes at = new OnnxAttributes(split);
        long axis = at.i("axis", 0);
        if ((axis != -1 && axis != 2) || split.getOutputCount() != n) {
            return false;
        }
        long[] even = new long[n];
        Arrays.fill(even, e);
        long[] sizes = at.has("split") ? at.ints("split").orElseThrow()
                : split.getInputCount() > 1 && !split.getInput(1).isEmpty()
                        ? ctx.foldAhead(split.getInput(1)).map(Operand.Known::longs).orElse(null)
                        : even;
        if (sizes == null || !Arrays.equals(sizes, even) || projShape.get(2) != n * e) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            parts[i] = split.getOutput(i);
        }
        return true;
    }

    /** PyTorch 2's Reshape [L, B, n, E], Unsqueeze(0), Transpose(0, -2), Squeeze(-2), Gathers. */
    private boolean packed(NodeProto reshape, Shape projShape, int n, long e, List<NodeProto> found,
            String[] parts) {
        long[] target = ReshapeTargets.resolve(ctx, reshape, projShape);
        if (!Arrays.equals(target, new long[] {projShape.get(0), projShape.get(1), n, e})) {
            return false;
        }
        Optional<NodeProto> unsqueeze = only(reshape.getOutput(0), "Unsqueeze")
                .filter(u -> Arrays.equals(axes(u), new long[] {0}));
        Optional<NodeProto> transpose = unsqueeze.flatMap(u -> only(u.getOutput(0), "Transpose"))
                .filter(tr -> Arrays.equals(new OnnxAttributes(tr).ints("perm").orElse(new long[0]),
                        new long[] {3, 1, 2, 0, 4}));
        Optional<NodeProto> squeeze = transpose.flatMap(tr -> only(tr.getOutput(0), "Squeeze"))
                .filter(s -> Arrays.equals(axes(s), new long[] {3}) || Arrays.equals(axes(s), new long[] {-2}));
        if (squeeze.isEmpty() || ctx.isGraphOutput(squeeze.get().getOutput(0))) {
            return false;
        }
        List<NodeProto> gathers = ctx.consumers(squeeze.get().getOutput(0));
        for (NodeProto g : gathers) {
            Optional<Operand.Known> index = g.getOpType().equals("Gather") && g.getInput(0).equals(
                    squeeze.get().getOutput(0)) ? ctx.foldAhead(g.getInput(1)) : Optional.empty();
            if (index.isEmpty() || index.get().array().getShape().dimension() != 0
                    || new OnnxAttributes(g).i("axis", 0) != 0) {
                return false;
            }
            long i = index.get().longs()[0];
            if (i < 0 || i >= n || parts[(int) i] != null) {
                return false;
            }
            parts[(int) i] = g.getOutput(0);
        }
        found.addAll(List.of(unsqueeze.get(), transpose.get(), squeeze.get()));
        found.addAll(gathers);
        return true;
    }

    /** The axes of an Unsqueeze or Squeeze: its attribute (before opset 13) or constant input. */
    private long[] axes(NodeProto n) {
        OnnxAttributes at = new OnnxAttributes(n);
        if (at.has("axes")) {
            return at.ints("axes").orElseThrow();
        }
        return n.getInputCount() > 1 ? ctx.foldAhead(n.getInput(1)).map(Operand.Known::longs).orElse(new long[0])
                : new long[0];
    }

    private Optional<NodeProto> only(String value, String opType) {
        List<NodeProto> users = ctx.consumers(value);
        if (users.size() != 1 || ctx.isGraphOutput(value) || !users.get(0).getOpType().equals(opType)) {
            return Optional.empty();
        }
        return Optional.of(users.get(0));
    }

    private static long clamp(long index, long length) {
        return index < 0 ? index + length : index;
    }

    private static long[] shapeSlice(NodeProto shape, long[] dims) {
        OnnxAttributes at = new OnnxAttributes(shape);
        int rank = dims.length;
        int start = (int) Math.max(0, Math.min(clamp(at.i("start", 0), rank), rank));
        int end = (int) Math.max(0, Math.min(clamp(at.i("end", rank), rank), rank));
        return Arrays.copyOfRange(dims, start, Math.max(start, end));
    }
}
