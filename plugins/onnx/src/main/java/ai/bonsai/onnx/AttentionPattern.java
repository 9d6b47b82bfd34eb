package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxNodes.perm;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Recognizes scaled dot-product attention over already projected q, k, v as exporters write it
 * (Hugging Face's BERT and ViT, timm with separate projections, Bonsai's own {@link
 * AttentionCodec}) and imports it as one core {@code attention} node, so that a group of the q
 * projection's channels takes the same heads of k, v and the output projection:
 *
 * <pre>
 * q, k, v [B, T, H·D] → Reshape [B, T, H, D] → Transpose: q, v (0, 2, 1, 3); k (0, 2, 3, 1), or
 *   (0, 2, 1, 3) then (0, 1, 3, 2) → MatMul(q, kᵀ) → scalar Mul/Div (on q, k or the scores; any
 *   scale) → Add(mask)? → Softmax(-1) → MatMul(·, v) → Transpose (0, 2, 1, 3) → Reshape [B, T, H·D]
 * </pre>
 *
 * <p>Reshapes that leave a value's shape as it is may sit between these steps. The projections
 * themselves are ordinary {@code linear} nodes outside the pattern. Exporters often emit one
 * projection's reshape before the next projection is computed, so the pattern is found from its
 * first node but imported once q, k, v and the mask are all known: the nodes met before that are
 * held back, and imported one by one (as without the pattern) if the shapes turn out not to fit.
 * Every intermediate value must be read only inside the pattern, or by a {@code Shape}: a
 * dynamic-shape export computes the Reshape targets at run time ({@code Shape(x) → Gather →
 * Unsqueeze → Concat}, of a projection's output or of the transposed context), and those fold
 * here from the shapes inferred ahead ({@link OnnxImporter#shapeAhead}). Grouped-query attention
 * (fewer key than query heads) is left to the node-by-node import.
 */
final class AttentionPattern {

    private static final long[] HEADS_FIRST = {0, 2, 1, 3};
    private static final long[] KEYS_TRANSPOSED = {0, 2, 3, 1};
    private static final long[] LAST_TWO = {0, 1, 3, 2};

    private final OnnxImporter ctx;
    private final Map<NodeProto, Region> regions = new IdentityHashMap<>();
    private final Set<NodeProto> tried = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Creates the pattern of one import.
     *
     * @param ctx the import
     */
    AttentionPattern(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /** The per-head chain of q, k or v: the Reshape into heads and the nodes up to the product. */
    private record Branch(String source, NodeProto split, List<NodeProto> nodes) {
    }

    /** A matched attention: its three branches, the optional mask, every member in file order. */
    private record Region(Branch q, Branch k, Branch v, String mask, List<NodeProto> identities,
            List<NodeProto> scales, NodeProto merge, List<NodeProto> members) {
    }

    /**
     * Imports the pattern a node belongs to, or holds the node back until the pattern's inputs are
     * known.
     *
     * @param n the node
     * @return true if the node was imported, held back or imported with its pattern
     */
    boolean tryMatch(NodeProto n) {
        Region r = regions.get(n);
        if (r == null && n.getOpType().equals("Reshape") && tried.add(n)) {
            r = detect(n).orElse(null);
            if (r != null) {
                for (NodeProto m : r.members) {
                    regions.put(m, r);
                    tried.add(m);
                }
            }
        }
        if (r == null) {
            return false;
        }
        if (!ready(r)) {
            if (n == r.members.get(r.members.size() - 1)) {
                throw ctx.error(n, "attention pattern reached its last node before its inputs were known", null);
            }
            return true;
        }
        for (NodeProto m : r.members) {
            regions.remove(m);
        }
        if (!emit(r)) {
            int upTo = r.members.indexOf(n);
            for (NodeProto m : r.members.subList(0, upTo + 1)) {
                ctx.importNodeAlone(m);
            }
        }
        return true;
    }

    /**
     * Tells whether a node belongs to a pattern found earlier and not imported yet.
     *
     * @param n the node
     * @return true if held
     */
    boolean holds(NodeProto n) {
        return regions.containsKey(n);
    }

    private boolean ready(Region r) {
        return ctx.isKnown(r.q.source) && ctx.isKnown(r.k.source) && ctx.isKnown(r.v.source)
                && (r.mask == null || ctx.isKnown(r.mask));
    }

    // ---- detection: node types, permutations and single consumers only ----

    private Optional<Region> detect(NodeProto split) {
        Optional<NodeProto> product = headsChain(split).flatMap(nodes -> next(last(nodes)))
                .filter(p -> p.getOpType().equals("MatMul"));
        if (product.isEmpty()) {
            return Optional.empty();
        }
        Optional<NodeProto> softmax = softmaxOf(product.get());
        return softmax.flatMap(this::around);
    }

    /** The Softmax the product belongs to: after it (scores) or before it (weighted values). */
    private Optional<NodeProto> softmaxOf(NodeProto product) {
        Optional<NodeProto> before = ctx.producer(product.getInput(0)).flatMap(this::skipIdentityBack);
        if (before.isPresent() && before.get().getOpType().equals("Softmax")) {
            return before;
        }
        NodeProto cur = product;
        for (int steps = 0; steps < 6; steps++) {
            Optional<NodeProto> n = next(cur);
            if (n.isEmpty()) {
                return Optional.empty();
            }
            if (n.get().getOpType().equals("Softmax")) {
                return n;
            }
            cur = n.get();
        }
        return Optional.empty();
    }

    private Optional<Region> around(NodeProto softmax) {
        long axis = new OnnxAttributes(softmax).i("axis", ctx.opset() >= 13 ? -1 : 1);
        if (axis != -1 && axis != 3) {
            return Optional.empty();
        }
        List<NodeProto> members = new ArrayList<>(List.of(softmax));
        List<NodeProto> identities = new ArrayList<>();
        List<NodeProto> scales = new ArrayList<>();
        String mask = null;
        NodeProto cur = ctx.producer(softmax.getInput(0)).orElse(null);
        while (cur != null && !cur.getOpType().equals("MatMul")) {
            switch (cur.getOpType()) {
                case "Reshape" -> identities.add(cur);
                case "Mul", "Div" -> scales.add(cur);
                case "Add" -> {
                    if (mask != null || cur.getInputCount() != 2) {
                        return Optional.empty();
                    }
                    String chain = producerIsChain(cur.getInput(0)) ? cur.getInput(0) : cur.getInput(1);
                    mask = cur.getInput(0).equals(chain) ? cur.getInput(1) : cur.getInput(0);
                }
                default -> {
                    return Optional.empty();
                }
            }
            members.add(cur);
            cur = ctx.producer(chainInput(cur)).orElse(null);
        }
        if (cur == null) {
            return Optional.empty();
        }
        NodeProto scores = cur;
        members.add(scores);
        Optional<Branch> q = branchBack(scores.getInput(0), false, members, identities, scales);
        Optional<Branch> k = branchBack(scores.getInput(1), true, members, identities, scales);
        Optional<NodeProto> weighted = next(softmax).flatMap(this::skipIdentityForward)
                .filter(p -> p.getOpType().equals("MatMul"));
        if (q.isEmpty() || k.isEmpty() || weighted.isEmpty()) {
            return Optional.empty();
        }
        addIdentitiesBetween(softmax, weighted.get(), members, identities);
        members.add(weighted.get());
        List<NodeProto> valueScales = new ArrayList<>();
        Optional<Branch> v = branchBack(weighted.get().getInput(1), false, members, identities, valueScales);
        Optional<NodeProto> back = next(weighted.get()).flatMap(this::skipIdentityForward)
                .filter(t -> t.getOpType().equals("Transpose") && Arrays.equals(perm(t), HEADS_FIRST));
        if (v.isEmpty() || back.isEmpty() || !valueScales.isEmpty()) {
            return Optional.empty();
        }
        addIdentitiesBetween(weighted.get(), back.get(), members, identities);
        Optional<NodeProto> merge = next(back.get()).filter(r -> r.getOpType().equals("Reshape"));
        if (merge.isEmpty()) {
            return Optional.empty();
        }
        members.addAll(List.of(back.get(), merge.get()));
        members.sort(Comparator.comparingInt(ctx::indexOf));
        if (!closed(members, merge.get())) {
            return Optional.empty();
        }
        return Optional.of(new Region(q.get(), k.get(), v.get(), mask, identities, scales, merge.get(), members));
    }

    /** The chain input of a node on the scores path (the one a producer of the path wrote). */
    private String chainInput(NodeProto n) {
        return n.getInputCount() > 1 && producerIsChain(n.getInput(1)) && !producerIsChain(n.getInput(0))
                ? n.getInput(1) : n.getInput(0);
    }

    private boolean producerIsChain(String value) {
        return ctx.producer(value).map(p -> Set.of("MatMul", "Mul", "Div", "Reshape", "Add").contains(p.getOpType()))
                .orElse(false);
    }

    /**
     * Walks back from a product's operand: scalar Mul/Div and identity-candidate Reshapes, the
     * Transpose(s) into the head layout, and the Reshape that splits the heads.
     */
    private Optional<Branch> branchBack(String operand, boolean key, List<NodeProto> members,
            List<NodeProto> identities, List<NodeProto> scales) {
        List<NodeProto> nodes = new ArrayList<>();
        NodeProto cur = ctx.producer(operand).orElse(null);
        while (cur != null && (cur.getOpType().equals("Mul") || cur.getOpType().equals("Div")
                || cur.getOpType().equals("Reshape") && ctx.producer(cur.getInput(0))
                        .filter(p -> p.getOpType().equals("Transpose")).isPresent())) {
            (cur.getOpType().equals("Reshape") ? identities : scales).add(cur);
            nodes.add(cur);
            cur = ctx.producer(cur.getInput(0)).orElse(null);
        }
        if (cur == null || !cur.getOpType().equals("Transpose")) {
            return Optional.empty();
        }
        nodes.add(cur);
        long[] p = perm(cur);
        if (key && Arrays.equals(p, LAST_TWO)) {
            cur = ctx.producer(cur.getInput(0)).filter(t -> t.getOpType().equals("Transpose")).orElse(null);
            if (cur == null) {
                return Optional.empty();
            }
            nodes.add(cur);
            p = perm(cur);
        }
        if (!Arrays.equals(p, key && nodes.stream().filter(x -> x.getOpType().equals("Transpose")).count() == 1
                ? KEYS_TRANSPOSED : HEADS_FIRST)) {
            return Optional.empty();
        }
        Optional<NodeProto> split = ctx.producer(cur.getInput(0)).filter(r -> r.getOpType().equals("Reshape"));
        if (split.isEmpty() || ctx.isGraphOutput(split.get().getInput(0))) {
            return Optional.empty();
        }
        nodes.add(split.get());
        members.addAll(nodes);
        return Optional.of(new Branch(split.get().getInput(0), split.get(), nodes));
    }

    /** From a head-splitting Reshape forward: its Transpose(s), scalar ops and identity reshapes. */
    private Optional<List<NodeProto>> headsChain(NodeProto split) {
        Optional<NodeProto> t = next(split).filter(x -> x.getOpType().equals("Transpose"));
        if (t.isEmpty()) {
            return Optional.empty();
        }
        List<NodeProto> nodes = new ArrayList<>(List.of(split, t.get()));
        NodeProto cur = t.get();
        for (Optional<NodeProto> n = next(cur); n.isPresent() && Set.of("Transpose", "Mul", "Div", "Reshape")
                .contains(n.get().getOpType()); n = next(cur)) {
            cur = n.get();
            nodes.add(cur);
        }
        return Optional.of(nodes);
    }

    private void addIdentitiesBetween(NodeProto from, NodeProto to, List<NodeProto> members,
            List<NodeProto> identities) {
        NodeProto cur = next(from).orElse(to);
        while (cur != to) {
            identities.add(cur);
            members.add(cur);
            cur = next(cur).orElse(to);
        }
    }

    private Optional<NodeProto> skipIdentityForward(NodeProto n) {
        NodeProto cur = n;
        while (cur.getOpType().equals("Reshape")) {
            Optional<NodeProto> next = next(cur);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            cur = next.get();
        }
        return Optional.of(cur);
    }

    private Optional<NodeProto> skipIdentityBack(NodeProto n) {
        NodeProto cur = n;
        while (cur.getOpType().equals("Reshape")) {
            Optional<NodeProto> p = ctx.producer(cur.getInput(0));
            if (p.isEmpty()) {
                return Optional.empty();
            }
            cur = p.get();
        }
        return Optional.of(cur);
    }

    /**
     * Every value produced inside the pattern is read only inside it or by a {@code Shape} (a
     * dynamic-shape export computes the merge's target from the transposed context's shape, which
     * folds from the inferred shape); the merge's output leaves it.
     */
    private boolean closed(List<NodeProto> members, NodeProto merge) {
        for (NodeProto m : members) {
            if (m == merge) {
                continue;
            }
            String out = m.getOutput(0);
            if (m.getOutputCount() != 1 || ctx.isGraphOutput(out)) {
                return false;
            }
            for (NodeProto u : ctx.consumers(out)) {
                if (!members.contains(u) && !u.getOpType().equals("Shape")) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---- import: shapes and constants, now that the inputs are known ----

    private boolean emit(Region r) {
        Shape qs = ctx.value(r.q.split, 0).shape();
        Shape ks = ctx.value(r.k.split, 0).shape();
        Shape vs = ctx.value(r.v.split, 0).shape();
        if (qs.dimension() != 3 || ks.dimension() != 3 || vs.dimension() != 3) {
            return false;
        }
        long[] qh = ReshapeTargets.resolve(ctx, r.q.split, qs);
        long[] kh = ReshapeTargets.resolve(ctx, r.k.split, ks);
        long[] vh = ReshapeTargets.resolve(ctx, r.v.split, vs);
        if (qh.length != 4 || kh.length != 4 || vh.length != 4 || qh[0] != qs.get(0) || qh[1] != qs.get(1)
                || kh[0] != ks.get(0) || kh[1] != ks.get(1) || vh[0] != vs.get(0) || vh[1] != vs.get(1)
                || kh[2] != qh[2] || vh[2] != qh[2] || kh[3] != qh[3] || ks.get(1) != vs.get(1)) {
            return false;
        }
        long b = qs.get(0);
        long heads = qh[2];
        long tq = qs.get(1);
        long tk = ks.get(1);
        if (!identitiesHold(r, b, heads, tq, tk, qh[3], vh[3])) {
            return false;
        }
        long[] merged = ReshapeTargets.resolve(ctx, r.merge, new Shape(b, tq, heads, vh[3]));
        Optional<Double> scale = scale(r);
        if (!Arrays.equals(merged, new long[] {b, tq, heads * vh[3]}) || scale.isEmpty()) {
            return false;
        }
        Optional<Value> mask = Optional.empty();
        if (r.mask != null) {
            Operand m = ctx.operand(r.mask).orElseThrow();
            Value mv = m instanceof Operand.Dynamic d ? d.value() : ctx.constantNode((Operand.Known) m);
            if (mv.shape().dimension() > 4) {
                return false;
            }
            mask = Optional.of(mv);
        }
        List<Value> in = new ArrayList<>(List.of(ctx.value(r.q.split, 0), ctx.value(r.k.split, 0),
                ctx.value(r.v.split, 0)));
        mask.ifPresent(in::add);
        Value y = ctx.builder().op("attention", ctx.name(null, r.members), Attributes.of()
                .with("num_heads", heads).with("scale", scale.get()), in.toArray(new Value[0]));
        ctx.define(r.merge.getOutput(0), y);
        ctx.markDone(r.members);
        return true;
    }

    /** The Reshapes between the steps keep their input's shape. */
    private boolean identitiesHold(Region r, long b, long heads, long tq, long tk, long d, long dv) {
        for (NodeProto id : r.identities) {
            Shape expected = r.q.nodes.contains(id) ? new Shape(b, heads, tq, d)
                    : r.k.nodes.contains(id) ? new Shape(b, heads, d, tk)
                    : r.v.nodes.contains(id) ? new Shape(b, heads, tk, dv)
                    : scoresSide(r, id) ? new Shape(b, heads, tq, tk) : new Shape(b, heads, tq, dv);
            if (!Arrays.equals(ReshapeTargets.resolve(ctx, id, expected), expected.getShape())) {
                return false;
            }
        }
        return true;
    }

    /** Whether an identity Reshape sits on the scores (before the weighted product). */
    private boolean scoresSide(Region r, NodeProto id) {
        int at = ctx.indexOf(id);
        return r.members.stream().filter(m -> m.getOpType().equals("MatMul") && !r.q.nodes.contains(m))
                .mapToInt(ctx::indexOf).max().orElse(Integer.MAX_VALUE) > at;
    }

    /** The product of every scalar Mul (and inverse of every Div) on the path. */
    private Optional<Double> scale(Region r) {
        double s = 1;
        for (NodeProto op : r.scales) {
            Optional<String> constant = op.getInputList().stream().filter(in -> !r.members.stream()
                    .anyMatch(m -> m.getOutput(0).equals(in))).findFirst();
            Optional<Operand.Known> c = constant.flatMap(ctx::foldAhead).filter(k -> k.array().size() == 1);
            boolean divisor = op.getOpType().equals("Div") && op.getInputCount() == 2 && constant.isPresent()
                    && op.getInput(1).equals(constant.get());
            if (c.isEmpty() || op.getOpType().equals("Div") && !divisor) {
                return Optional.empty();
            }
            s *= divisor ? 1 / c.get().scalar() : c.get().scalar();
        }
        return Optional.of(s);
    }

    // ---- graph helpers ----

    private static NodeProto last(List<NodeProto> nodes) {
        return nodes.get(nodes.size() - 1);
    }

    /** The only consumer of a node's output, besides {@code Shape}s of it (see {@link #closed}). */
    private Optional<NodeProto> next(NodeProto n) {
        String out = n.getOutput(0);
        List<NodeProto> users = ctx.consumers(out).stream().filter(u -> !u.getOpType().equals("Shape")).toList();
        return users.size() == 1 && !ctx.isGraphOutput(out) ? Optional.of(users.get(0)) : Optional.empty();
    }
}
