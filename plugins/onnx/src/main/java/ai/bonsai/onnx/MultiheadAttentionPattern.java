package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxNodes.perm;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Recognizes PyTorch's export of {@code nn.MultiheadAttention} ({@code batch_first}, no mask), as
 * torchvision's {@code VisionTransformer} and Bonsai's own {@link MultiheadAttentionCodec} write
 * it, and imports it as one core {@code multihead_attention} node named after the module, with
 * PyTorch's parameter names:
 *
 * <pre>
 * x [B, T, E] → Transpose(1, 0, 2) → MatMul(in_projᵀ) (+ Add(in_proj_bias)) → [T, B, 3E]
 *   → q, k, v: cut by {@link ProjectionParts} (Slices, Split, or PyTorch 2's Reshape / Unsqueeze /
 *     Transpose / Squeeze / Gather)
 *   → Reshape [T, B·H, D] → Transpose: q (1, 0, 2), k (1, 2, 0), v (1, 0, 2)
 *   → MatMul(q·s, k) (s = 1/√D on q, or on the scores) → Softmax(-1) → MatMul(·, v)
 *   → Transpose(1, 0, 2) → Reshape [T·B, E] → Gemm(out_proj) (or MatMul (+ Add))
 *   → Reshape [T, B, E] → Transpose(1, 0, 2) → y [B, T, E]
 * </pre>
 *
 * <p>Without biases ({@code bias=False}) the projections have no {@code Add} and the output
 * projection is a {@code Gemm} without C or a bare {@code MatMul}. Cross-attention (query from x,
 * key and value from other tensors [B, S, E]) projects q alone by {@code [E, E]} and k, v either
 * packed ({@code [E, 2E]}, key is value: cut in two like the self-attention's three parts) or
 * separately (three weights); it imports with the inputs (x, key, value).
 *
 * <p>The match starts at the query's Transpose, when x is known; the key's and value's
 * projections are found back from the scores and must read values already known. Every
 * intermediate value must be read only inside the pattern (or by {@code Shape} nodes of the
 * projections, which are evaluated here). Through {@code multihead_attention} the embedding
 * channels are one coupled space with the hidden channels, as in Torch-Pruning, so heads are
 * pruned with the residual stream.
 */
final class MultiheadAttentionPattern {

    private static final long[] SWAP = {1, 0, 2};

    private final OnnxImporter ctx;
    private final ProjectionParts parts;

    /**
     * Creates the pattern of one import.
     *
     * @param ctx the import
     */
    MultiheadAttentionPattern(OnnxImporter ctx) {
        this.ctx = ctx;
        this.parts = new ProjectionParts(ctx);
    }

    /**
     * One input projection: the transposed input, the weight as read ({@code [E, n·E]}), the bias
     * (or null) and the values of its n parts.
     */
    private record Projection(Value input, Operand.Known weight, Operand.Known bias, List<String> parts) {
    }

    /** The per-head Reshape and Transpose of k or v, and the part they read. */
    private record Heads(NodeProto reshape, NodeProto transpose) {
        String part() {
            return reshape.getInput(0);
        }
    }

    /**
     * Imports the pattern starting at a node, if one does.
     *
     * @param first a Transpose
     * @return true if it was imported
     */
    boolean tryMatch(NodeProto first) {
        List<NodeProto> members = new ArrayList<>();
        List<NodeProto> shapeNodes = new ArrayList<>();
        Optional<Projection> qp = projection(first, members, shapeNodes);
        if (qp.isEmpty() || qp.get().parts.size() == 2) {
            return false;
        }
        Projection query = qp.get();
        Value x = query.input;
        long b = x.shape().get(0);
        long t = x.shape().get(1);
        long e = x.shape().get(2);
        String qPart = query.parts.get(0);
        Optional<NodeProto> qReshape = only(qPart, "Reshape").filter(r -> r.getInput(0).equals(qPart));
        long[] heads = qReshape.map(r -> headShape(r, t, b, e)).orElse(new long[0]);
        Optional<NodeProto> qTranspose = qReshape.flatMap(r -> sole(r, "Transpose"))
                .filter(tr -> Arrays.equals(perm(tr), SWAP));
        if (heads.length == 0 || heads[1] % b != 0 || qTranspose.isEmpty()) {
            return false;
        }
        members.addAll(List.of(qReshape.get(), qTranspose.get()));
        long numHeads = heads[1] / b;
        long d = heads[2];
        double[] scale = {1};
        Optional<NodeProto> qScaled = scaled(qTranspose.get(), scale, members);
        String qValue = qScaled.map(n -> n.getOutput(0)).orElse(qTranspose.get().getOutput(0));
        Optional<NodeProto> scores = only(qValue, "MatMul").filter(s -> s.getInput(0).equals(qValue));
        Optional<Heads> k = scores.flatMap(s -> headsOf(s.getInput(1), new long[] {1, 2, 0}));
        if (k.isEmpty()) {
            return false;
        }
        members.add(scores.get());
        Optional<NodeProto> scoresScaled = scaled(scores.get(), scale, members);
        NodeProto beforeSoftmax = scoresScaled.orElse(scores.get());
        Optional<NodeProto> softmax = sole(beforeSoftmax, "Softmax").filter(s -> lastAxis(s, 3));
        Optional<NodeProto> weighted = softmax.flatMap(s -> sole(s, "MatMul"))
                .filter(m -> m.getInput(0).equals(softmax.get().getOutput(0)));
        Optional<Heads> v = weighted.flatMap(m -> headsOf(m.getInput(1), SWAP));
        Optional<NodeProto> back = v.flatMap(h -> sole(weighted.get(), "Transpose"))
                .filter(tr -> Arrays.equals(perm(tr), SWAP));
        Optional<NodeProto> merge = back.flatMap(tr -> sole(tr, "Reshape"))
                .filter(r -> Arrays.equals(target(r, new Shape(t, b * numHeads, d)), new long[] {t * b, e}));
        if (merge.isEmpty() || Math.abs(scale[0] * Math.sqrt(d) - 1) > 1e-4) {
            return false;
        }
        members.addAll(List.of(softmax.get(), weighted.get(), back.get(), merge.get()));
        for (Heads h : List.of(k.get(), v.get())) {
            members.addAll(List.of(h.reshape, h.transpose));
        }
        List<Projection> projections = new ArrayList<>(List.of(query));
        List<Value> inputs = keyValue(query, k.get(), v.get(), projections, members, shapeNodes);
        if (inputs.isEmpty()) {
            return false;
        }
        long s = inputs.get(inputs.size() - 1).shape().get(1);
        for (Heads h : List.of(k.get(), v.get())) {
            long[] kvHeads = target(h.reshape, new Shape(s, b, e));
            if (!Arrays.equals(kvHeads, new long[] {s, b * numHeads, d})) {
                return false;
            }
        }
        Optional<OutProjection> out = outProjection(merge.get(), e, members);
        Optional<NodeProto> unmerge = out.flatMap(o -> sole(o.last, "Reshape"))
                .filter(r -> Arrays.equals(target(r, new Shape(t * b, e)), new long[] {t, b, e}));
        Optional<NodeProto> last = unmerge.flatMap(r -> sole(r, "Transpose"))
                .filter(tr -> Arrays.equals(perm(tr), SWAP));
        boolean bias = query.bias != null;
        if (last.isEmpty() || projections.stream().anyMatch(p -> (p.bias != null) != bias)
                || (out.get().bias != null) != bias) {
            return false;
        }
        members.addAll(List.of(unmerge.get(), last.get()));
        if (!closed(members, shapeNodes)) {
            return false;
        }
        ctx.markDone(shapeNodes);
        String name = ctx.name(query.weight.initializer(), members);
        supplyInProjection(name, projections, bias);
        ctx.supplyArray(name, "out_proj.weight", float32(out.get().weight));
        if (bias) {
            ctx.supply(name, "out_proj.bias", out.get().bias, new Shape(e));
        }
        Value y = ctx.builder().op("multihead_attention", name, Attributes.of().with("embed_dim", e)
                .with("num_heads", numHeads).with("bias", bias), inputs.toArray(Value[]::new));
        ctx.define(last.get().getOutput(0), y);
        ctx.markDone(members);
        return true;
    }

    /**
     * The projection after a Transpose (1, 0, 2) of a known [B, L, E] value: {@code MatMul} by a
     * constant [E, n·E] (n = 1, 2 or 3), an optional {@code Add} of a constant [n·E], and its parts.
     */
    private Optional<Projection> projection(NodeProto first, List<NodeProto> members, List<NodeProto> shapeNodes) {
        if (!first.getOpType().equals("Transpose") || !ctx.isDynamic(first, 0) || !Arrays.equals(perm(first), SWAP)) {
            return Optional.empty();
        }
        Value x = ctx.value(first, 0);
        if (x.shape().dimension() != 3) {
            return Optional.empty();
        }
        long e = x.shape().get(2);
        Optional<NodeProto> mm = sole(first, "MatMul").filter(m -> m.getInput(0).equals(first.getOutput(0)));
        Optional<Operand.Known> w = mm.flatMap(m -> ctx.foldAhead(m.getInput(1)))
                .filter(k -> k.array().getShape().dimension() == 2 && k.array().getShape().get(0) == e
                        && k.array().getShape().get(1) % e == 0 && k.array().getShape().get(1) / e <= 3);
        if (w.isEmpty()) {
            return Optional.empty();
        }
        int n = (int) (w.get().array().getShape().get(1) / e);
        Optional<NodeProto> add = sole(mm.get(), "Add");
        Optional<Operand.Known> bias = add.flatMap(a -> other(a, mm.get().getOutput(0)))
                .filter(k -> k.array().getShape().equals(new Shape(n * e)));
        List<NodeProto> found = new ArrayList<>(List.of(first, mm.get()));
        bias.ifPresent(k -> found.add(add.get()));
        String proj = bias.isPresent() ? add.get().getOutput(0) : mm.get().getOutput(0);
        Optional<List<String>> cut = n == 1 ? Optional.of(List.of(proj))
                : parts.find(proj, new Shape(x.shape().get(1), x.shape().get(0), n * e), n, found, shapeNodes);
        if (cut.isEmpty()) {
            return Optional.empty();
        }
        members.addAll(found);
        return Optional.of(new Projection(x, w.get(), bias.orElse(null), cut.get()));
    }

    /**
     * The inputs of the attention: x alone when the query's projection is packed with k and v;
     * else (x, key, value), with the projections of key and value found back from their parts.
     */
    private List<Value> keyValue(Projection query, Heads k, Heads v, List<Projection> projections,
            List<NodeProto> members, List<NodeProto> shapeNodes) {
        if (query.parts.size() == 3) {
            return query.parts.get(1).equals(k.part()) && query.parts.get(2).equals(v.part())
                    ? List.of(query.input) : List.of();
        }
        Optional<Projection> kp = root(k.part()).flatMap(r -> projection(r, members, shapeNodes));
        if (kp.isEmpty() || kp.get().parts.size() == 3 || !kp.get().parts.get(0).equals(k.part())) {
            return List.of();
        }
        projections.add(kp.get());
        Projection key = kp.get();
        if (key.parts.size() == 2) {
            return key.parts.get(1).equals(v.part()) ? kvInputs(query, key, key) : List.of();
        }
        Optional<Projection> vp = root(v.part()).flatMap(r -> projection(r, members, shapeNodes))
                .filter(p -> p.parts.size() == 1 && p.parts.get(0).equals(v.part()));
        vp.ifPresent(projections::add);
        return vp.map(value -> kvInputs(query, key, value)).orElse(List.of());
    }

    private static List<Value> kvInputs(Projection query, Projection key, Projection value) {
        Shape q = query.input.shape();
        Shape kShape = key.input.shape();
        return kShape.equals(value.input.shape()) && kShape.get(0) == q.get(0) && kShape.get(2) == q.get(2)
                ? List.of(query.input, key.input, value.input) : List.of();
    }

    /** The Transpose (1, 0, 2) a part's projection starts at, walking back through its data inputs. */
    private Optional<NodeProto> root(String part) {
        String value = part;
        for (int depth = 0; depth < 8; depth++) {
            Optional<NodeProto> p = ctx.producer(value);
            if (p.isEmpty() || p.get().getInputCount() == 0) {
                return Optional.empty();
            }
            NodeProto n = p.get();
            if (n.getOpType().equals("Transpose") && Arrays.equals(perm(n), SWAP) && ctx.isKnown(n.getInput(0))) {
                return ctx.isKnown(n.getOutput(0)) ? Optional.empty() : Optional.of(n);
            }
            value = n.getOpType().equals("Add") && isConstant(n.getInput(0)) ? n.getInput(1) : n.getInput(0);
        }
        return Optional.empty();
    }

    private boolean isConstant(String value) {
        return ctx.peekKnown(value).isPresent()
                || ctx.producer(value).filter(p -> p.getOpType().equals("Constant")).isPresent();
    }

    /** The per-head Transpose (with the permutation) producing a value, and the Reshape before it. */
    private Optional<Heads> headsOf(String value, long[] permutation) {
        Optional<NodeProto> transpose = single(value) ? ctx.producer(value) : Optional.empty();
        Optional<NodeProto> reshape = transpose.filter(tr -> tr.getOpType().equals("Transpose")
                && Arrays.equals(perm(tr), permutation) && single(tr.getInput(0)))
                .flatMap(tr -> ctx.producer(tr.getInput(0)))
                .filter(r -> r.getOpType().equals("Reshape") && single(r.getInput(0)));
        return reshape.map(r -> new Heads(r, transpose.get()));
    }

    /** Supplies the packed in_proj weight [3E, E] (and bias) from one or more projections. */
    private void supplyInProjection(String name, List<Projection> projections, boolean bias) {
        if (projections.size() == 1) {
            Projection p = projections.get(0);
            ctx.supplyArray(name, "in_proj_weight", float32(p.weight.array().transpose()));
            if (bias) {
                ctx.supply(name, "in_proj_bias", p.bias, p.bias.array().getShape());
            }
            return;
        }
        NDList weights = new NDList();
        NDList biases = new NDList();
        for (Projection p : projections) {
            weights.add(p.weight.array().transpose());
            if (bias) {
                biases.add(p.bias.array());
            }
        }
        ctx.supplyArray(name, "in_proj_weight", float32(NDArrays.concat(weights, 0)));
        if (bias) {
            ctx.supplyArray(name, "in_proj_bias", float32(NDArrays.concat(biases, 0)));
        }
    }

    /** The output projection: its weight as [out, in], its bias (or null), and its last node. */
    private record OutProjection(NDArray weight, Operand.Known bias, NodeProto last) {
    }

    private Optional<OutProjection> outProjection(NodeProto merge, long e, List<NodeProto> members) {
        List<NodeProto> users = ctx.consumers(merge.getOutput(0));
        if (users.size() != 1 || ctx.isGraphOutput(merge.getOutput(0))) {
            return Optional.empty();
        }
        NodeProto p = users.get(0);
        Shape square = new Shape(e, e);
        if (p.getOpType().equals("Gemm") && p.getInputCount() >= 2 && p.getInput(0).equals(merge.getOutput(0))) {
            OnnxAttributes at = new OnnxAttributes(p);
            Optional<Operand.Known> w = ctx.foldAhead(p.getInput(1)).filter(k -> k.array().getShape().equals(square));
            boolean hasBias = p.getInputCount() == 3 && !p.getInput(2).isEmpty();
            Optional<Operand.Known> bias = hasBias
                    ? ctx.foldAhead(p.getInput(2)).filter(k -> k.array().size() == e) : Optional.empty();
            if (w.isEmpty() || hasBias && bias.isEmpty() || at.i("transA", 0) != 0 || at.f("alpha", 1f) != 1f
                    || at.f("beta", 1f) != 1f) {
                return Optional.empty();
            }
            members.add(p);
            NDArray weight = at.i("transB", 0) != 0 ? w.get().array() : w.get().array().transpose();
            return Optional.of(new OutProjection(weight, bias.orElse(null), p));
        }
        Optional<Operand.Known> w = p.getOpType().equals("MatMul") && p.getInput(0).equals(merge.getOutput(0))
                ? ctx.foldAhead(p.getInput(1)).filter(k -> k.array().getShape().equals(square)) : Optional.empty();
        if (w.isEmpty()) {
            return Optional.empty();
        }
        members.add(p);
        Optional<NodeProto> add = sole(p, "Add");
        Optional<Operand.Known> bias = add.flatMap(a -> other(a, p.getOutput(0))).filter(k -> k.array().size() == e);
        if (bias.isEmpty()) {
            return Optional.of(new OutProjection(w.get().array().transpose(), null, p));
        }
        members.add(add.get());
        return Optional.of(new OutProjection(w.get().array().transpose(), bias.get(), add.get()));
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

    private static NDArray float32(NDArray a) {
        return a.toType(DataType.FLOAT32, false).duplicate();
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
