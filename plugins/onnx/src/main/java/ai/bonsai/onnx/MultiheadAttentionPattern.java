package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Recognizes PyTorch's export of {@code nn.MultiheadAttention} (self-attention, {@code
 * batch_first}, packed {@code in_proj}, no mask), as torchvision's {@code VisionTransformer} and
 * Bonsai's own {@link MultiheadAttentionCodec} write it, and imports it as one core {@code
 * multihead_attention} node named after the module, with PyTorch's parameter names:
 *
 * <pre>
 * x [B, T, E] → Transpose(1, 0, 2) → MatMul(in_projᵀ) → Add(in_proj_bias) → [T, B, 3E]
 *   → q, k, v: three Slices of E (bounds constant or computed from the projection's Shape), or Split
 *   → Reshape [T, B·H, D] → Transpose: q (1, 0, 2), k (1, 2, 0), v (1, 0, 2)
 *   → MatMul(q·s, k) (s = 1/√D on q, or on the scores) → Softmax(-1) → MatMul(·, v)
 *   → Transpose(1, 0, 2) → Reshape [T·B, E] → Gemm(out_proj) (or MatMul + Add)
 *   → Reshape [T, B, E] → Transpose(1, 0, 2) → y [B, T, E]
 * </pre>
 *
 * <p>The match starts at the first Transpose, when x is known; every intermediate value must be
 * read only inside the pattern (or by {@code Shape} nodes of the projection, which are evaluated
 * here; their values are defined as soon as the projection is seen). Through {@code multihead_attention} the embedding channels are one coupled space with the
 * hidden channels, as in Torch-Pruning, so heads are pruned with the residual stream.
 */
final class MultiheadAttentionPattern {

    private final OnnxImporter ctx;

    /**
     * Creates the pattern of one import.
     *
     * @param ctx the import
     */
    MultiheadAttentionPattern(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /** One of q, k, v: its slice of the projection and the per-head chain after it. */
    private record Branch(long offset, NodeProto reshape, NodeProto transpose) {
    }

    /**
     * Imports the pattern starting at a node, if one does.
     *
     * @param first a Transpose
     * @return true if it was imported
     */
    boolean tryMatch(NodeProto first) {
        if (!first.getOpType().equals("Transpose") || !ctx.isDynamic(first, 0)
                || !Arrays.equals(perm(first), new long[] {1, 0, 2})) {
            return false;
        }
        Value x = ctx.value(first, 0);
        if (x.shape().dimension() != 3) {
            return false;
        }
        long b = x.shape().get(0);
        long t = x.shape().get(1);
        long e = x.shape().get(2);
        List<NodeProto> members = new ArrayList<>(List.of(first));
        Optional<NodeProto> mm = sole(first, "MatMul").filter(m -> m.getInput(0).equals(first.getOutput(0)));
        Optional<Operand.Known> w = mm.flatMap(m -> ctx.foldAhead(m.getInput(1)))
                .filter(k -> k.array().getShape().equals(new Shape(e, 3 * e)));
        Optional<NodeProto> add = w.flatMap(k -> sole(mm.get(), "Add"));
        Optional<Operand.Known> bias = add.flatMap(a -> other(a, mm.get().getOutput(0)))
                .filter(k -> k.array().getShape().equals(new Shape(3 * e)));
        if (bias.isEmpty()) {
            return false;
        }
        members.addAll(List.of(mm.get(), add.get()));
        String proj = add.get().getOutput(0);
        Shape projShape = new Shape(t, b, 3 * e);
        List<NodeProto> shapeNodes = new ArrayList<>();
        List<Branch> branches = branches(proj, projShape, e, shapeNodes, members);
        if (branches.size() != 3 || branches.get(0).offset != 0 || branches.get(1).offset != e
                || branches.get(2).offset != 2 * e) {
            return false;
        }
        Branch q = branches.get(0);
        Branch k = branches.get(1);
        Branch v = branches.get(2);
        long[] heads = headShape(q.reshape, t, b, e);
        if (heads.length == 0 || !Arrays.equals(headShape(k.reshape, t, b, e), heads)
                || !Arrays.equals(headShape(v.reshape, t, b, e), heads) || heads[1] % b != 0) {
            return false;
        }
        long numHeads = heads[1] / b;
        long d = heads[2];
        if (!Arrays.equals(perm(q.transpose), new long[] {1, 0, 2}) || !Arrays.equals(perm(k.transpose),
                new long[] {1, 2, 0}) || !Arrays.equals(perm(v.transpose), new long[] {1, 0, 2})) {
            return false;
        }
        double[] scale = {1};
        Optional<NodeProto> qScaled = scaled(q.transpose, scale, members);
        String qValue = qScaled.map(n -> n.getOutput(0)).orElse(q.transpose.getOutput(0));
        Optional<NodeProto> scores = only(qValue, "MatMul").filter(s -> s.getInput(0).equals(qValue)
                && s.getInput(1).equals(k.transpose.getOutput(0)) && single(k.transpose.getOutput(0)));
        if (scores.isEmpty()) {
            return false;
        }
        members.add(scores.get());
        Optional<NodeProto> scoresScaled = scaled(scores.get(), scale, members);
        NodeProto beforeSoftmax = scoresScaled.orElse(scores.get());
        Optional<NodeProto> softmax = sole(beforeSoftmax, "Softmax").filter(s -> lastAxis(s, 3));
        Optional<NodeProto> weighted = softmax.flatMap(s -> sole(s, "MatMul"))
                .filter(m -> m.getInput(0).equals(softmax.get().getOutput(0))
                        && m.getInput(1).equals(v.transpose.getOutput(0)) && single(v.transpose.getOutput(0)));
        Optional<NodeProto> back = weighted.flatMap(m -> sole(m, "Transpose"))
                .filter(tr -> Arrays.equals(perm(tr), new long[] {1, 0, 2}));
        Optional<NodeProto> merge = back.flatMap(tr -> sole(tr, "Reshape"))
                .filter(r -> Arrays.equals(target(r, new Shape(t, b * numHeads, d)), new long[] {t * b, e}));
        if (merge.isEmpty() || Math.abs(scale[0] * Math.sqrt(d) - 1) > 1e-4) {
            return false;
        }
        members.addAll(List.of(softmax.get(), weighted.get(), back.get(), merge.get()));
        Optional<OutProjection> out = outProjection(merge.get(), e, members);
        Optional<NodeProto> unmerge = out.flatMap(o -> sole(o.last, "Reshape"))
                .filter(r -> Arrays.equals(target(r, new Shape(t * b, e)), new long[] {t, b, e}));
        Optional<NodeProto> last = unmerge.flatMap(r -> sole(r, "Transpose"))
                .filter(tr -> Arrays.equals(perm(tr), new long[] {1, 0, 2}));
        if (last.isEmpty()) {
            return false;
        }
        members.addAll(List.of(unmerge.get(), last.get()));
        if (!closed(members, shapeNodes)) {
            return false;
        }
        ctx.markDone(shapeNodes);
        String name = ctx.name(w.get().initializer(), members);
        ctx.supplyArray(name, "in_proj_weight", float32(w.get().array().transpose()));
        ctx.supply(name, "in_proj_bias", bias.get(), new Shape(3 * e));
        ctx.supplyArray(name, "out_proj.weight", float32(out.get().weight));
        ctx.supply(name, "out_proj.bias", out.get().bias, new Shape(e));
        Value y = ctx.builder().op("multihead_attention", name, Attributes.of().with("embed_dim", e)
                .with("num_heads", numHeads).with("bias", true), x);
        ctx.define(last.get().getOutput(0), y);
        ctx.markDone(members);
        return true;
    }

    /** The output projection: its weight as [out, in], its bias, and its last node. */
    private record OutProjection(NDArray weight, Operand.Known bias, NodeProto last) {
    }

    private Optional<OutProjection> outProjection(NodeProto merge, long e, List<NodeProto> members) {
        List<NodeProto> users = ctx.consumers(merge.getOutput(0));
        if (users.size() != 1 || ctx.isGraphOutput(merge.getOutput(0))) {
            return Optional.empty();
        }
        NodeProto p = users.get(0);
        Shape square = new Shape(e, e);
        if (p.getOpType().equals("Gemm") && p.getInputCount() == 3 && p.getInput(0).equals(merge.getOutput(0))) {
            OnnxAttributes at = new OnnxAttributes(p);
            Optional<Operand.Known> w = ctx.foldAhead(p.getInput(1)).filter(k -> k.array().getShape().equals(square));
            Optional<Operand.Known> bias = ctx.foldAhead(p.getInput(2)).filter(k -> k.array().size() == e);
            if (w.isEmpty() || bias.isEmpty() || at.i("transA", 0) != 0 || at.f("alpha", 1f) != 1f
                    || at.f("beta", 1f) != 1f) {
                return Optional.empty();
            }
            members.add(p);
            NDArray weight = at.i("transB", 0) != 0 ? w.get().array() : w.get().array().transpose();
            return Optional.of(new OutProjection(weight, bias.get(), p));
        }
        Optional<Operand.Known> w = p.getOpType().equals("MatMul") && p.getInput(0).equals(merge.getOutput(0))
                ? ctx.foldAhead(p.getInput(1)).filter(k -> k.array().getShape().equals(square)) : Optional.empty();
        Optional<NodeProto> add = w.flatMap(k -> sole(p, "Add"));
        Optional<Operand.Known> bias = add.flatMap(a -> other(a, p.getOutput(0))).filter(k -> k.array().size() == e);
        if (bias.isEmpty()) {
            return Optional.empty();
        }
        members.addAll(List.of(p, add.get()));
        return Optional.of(new OutProjection(w.get().array().transpose(), bias.get(), add.get()));
    }

    /** The q, k, v branches of the projection, ordered by offset; empty when they do not fit. */
    private List<Branch> branches(String proj, Shape projShape, long e, List<NodeProto> shapeNodes,
            List<NodeProto> members) {
        List<Branch> branches = new ArrayList<>();
        for (NodeProto u : ctx.consumers(proj)) {
            if (u.getOpType().equals("Shape")) {
                shapeNodes.add(u);
                ctx.define(u.getOutput(0), new Operand.Known(ctx.builder().manager().create(
                        shapeSlice(u, projShape.getShape())), null));
            }
        }
        for (NodeProto u : ctx.consumers(proj)) {
            switch (u.getOpType()) {
                case "Shape" -> {
                }
                case "Slice" -> {
                    long[] bounds = sliceBounds(u, projShape);
                    if (bounds.length == 0 || bounds[1] - bounds[0] != e) {
                        return List.of();
                    }
                    members.add(u);
                    branch(u.getOutput(0), bounds[0], members).ifPresent(branches::add);
                }
                case "Split" -> {
                    if (!splitsInThirds(u, projShape, e)) {
                        return List.of();
                    }
                    members.add(u);
                    for (int i = 0; i < 3; i++) {
                        branch(u.getOutput(i), i * e, members).ifPresent(branches::add);
                    }
                }
                default -> {
                    return List.of();
                }
            }
        }
        branches.sort((l, r) -> Long.compare(l.offset, r.offset));
        return branches;
    }

    private Optional<Branch> branch(String value, long offset, List<NodeProto> members) {
        Optional<NodeProto> reshape = only(value, "Reshape").filter(r -> r.getInput(0).equals(value));
        Optional<NodeProto> transpose = reshape.flatMap(r -> sole(r, "Transpose"));
        transpose.ifPresent(tr -> members.addAll(List.of(reshape.get(), tr)));
        return transpose.map(tr -> new Branch(offset, reshape.get(), tr));
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

    private static long clamp(long index, long length) {
        return index < 0 ? index + length : index;
    }

    private boolean splitsInThirds(NodeProto split, Shape projShape, long e) {
        OnnxAttributes at = new OnnxAttributes(split);
        long axis = at.i("axis", 0);
        if ((axis != -1 && axis != 2) || split.getOutputCount() != 3) {
            return false;
        }
        long[] sizes = at.has("split") ? at.ints("split").orElseThrow()
                : split.getInputCount() > 1 && !split.getInput(1).isEmpty()
                        ? ctx.foldAhead(split.getInput(1)).map(Operand.Known::longs).orElse(null)
                        : new long[] {e, e, e};
        return sizes != null && Arrays.equals(sizes, new long[] {e, e, e}) && projShape.get(2) == 3 * e;
    }

    /** The Reshape's [T, B·H, D] target (resolving -1 and 0), or empty when it is not one. */
    private long[] headShape(NodeProto reshape, long t, long b, long e) {
        long[] s = target(reshape, new Shape(t, b, e));
        return s.length == 3 && s[0] == t && s[1] * s[2] == b * e && s[1] > 0 ? s : new long[0];
    }

    private long[] target(NodeProto reshape, Shape in) {
        return ReshapeTargets.resolve(ctx, reshape, in);
    }

    /** A scalar Mul or Div after a node (its only consumer), folded into the running scale. */
    private Optional<NodeProto> scaled(NodeProto n, double[] scale, List<NodeProto> members) {
        String out = n.getOutput(0);
        List<NodeProto> users = ctx.consumers(out);
        if (users.size() != 1 || ctx.isGraphOutput(out)) {
            return Optional.empty();
        }
        NodeProto op = users.get(0);
        boolean div = op.getOpType().equals("Div");
        if (!div && !op.getOpType().equals("Mul") || div && !op.getInput(0).equals(out)) {
            return Optional.empty();
        }
        Optional<Operand.Known> c = other(op, out).filter(k -> k.array().size() == 1);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        scale[0] *= div ? 1 / c.get().scalar() : c.get().scalar();
        members.add(op);
        return Optional.of(op);
    }

    private boolean lastAxis(NodeProto softmax, int rank) {
        long axis = new OnnxAttributes(softmax).i("axis", ctx.opset() >= 13 ? -1 : 1);
        return axis == -1 || axis == rank - 1;
    }

    /** Every value produced inside the pattern is read only inside it (or by its Shape nodes). */
    private boolean closed(List<NodeProto> members, List<NodeProto> shapeNodes) {
        NodeProto last = members.get(members.size() - 1);
        for (NodeProto m : members) {
            for (String out : m.getOutputList()) {
                if (m == last || out.isEmpty()) {
                    continue;
                }
                if (ctx.isGraphOutput(out)) {
                    return false;
                }
                for (NodeProto u : ctx.consumers(out)) {
                    if (!members.contains(u) && !shapeNodes.contains(u)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static long[] shapeSlice(NodeProto shape, long[] dims) {
        OnnxAttributes at = new OnnxAttributes(shape);
        int rank = dims.length;
        int start = (int) Math.max(0, Math.min(clamp(at.i("start", 0), rank), rank));
        int end = (int) Math.max(0, Math.min(clamp(at.i("end", rank), rank), rank));
        return Arrays.copyOfRange(dims, start, Math.max(start, end));
    }

    private static NDArray float32(NDArray a) {
        return a.toType(DataType.FLOAT32, false).duplicate();
    }

    private static long[] perm(NodeProto transpose) {
        return new OnnxAttributes(transpose).ints("perm").orElse(new long[0]);
    }

    /** The only consumer of a node's first output, when it has the op type. */
    private Optional<NodeProto> sole(NodeProto producer, String opType) {
        return only(producer.getOutput(0), opType);
    }

    private Optional<NodeProto> only(String value, String opType) {
        List<NodeProto> users = ctx.consumers(value);
        if (users.size() != 1 || ctx.isGraphOutput(value) || !users.get(0).getOpType().equals(opType)) {
            return Optional.empty();
        }
        return Optional.of(users.get(0));
    }

    private boolean single(String value) {
        return ctx.consumers(value).size() == 1 && !ctx.isGraphOutput(value);
    }

    /** The constant operand of a binary node, the other one being {@code notThis}. */
    private Optional<Operand.Known> other(NodeProto n, String notThis) {
        if (n.getInputCount() != 2) {
            return Optional.empty();
        }
        int k = n.getInput(0).equals(notThis) ? 1 : 0;
        return ctx.foldAhead(n.getInput(k));
    }
}
