package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxNodes.perm;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
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
 * Recognizes Swin's window attention (timm's and torchvision's {@code WindowAttention} /
 * {@code shifted_window_attention}) over the packed qkv projection and imports it as three {@code
 * slice}s of the projection, an {@link OnnxRelativePositionBiasOp} holding the bias table, and one
 * core {@code attention} whose mask is that bias, so that removing a head removes its q, k, v and
 * output channels and its column of the table:
 *
 * <pre>
 * qkv [B', N, 3C] → Reshape [B', N, 3, H, D] → Transpose (2, 0, 3, 1, 4) → Gather axis 0, index 0 / 1 / 2
 *   q → scalar Mul/Div*; k → Transpose (0, 1, 3, 2) → MatMul(q, kᵀ) → scalar Mul/Div*
 *   → Add(Gather(table [(2w−1)², H], index) → Reshape [N, N, H] → Transpose (2, 0, 1) → Unsqueeze 0?)
 *   → [Reshape [B'/nW, nW, H, N, N] → Add(mask [1, nW, 1, N, N]) → Reshape [B', H, N, N]]
 *   → Softmax(-1) → MatMul(·, v) → Transpose (0, 2, 1, 3) → Reshape [B', N, C]
 * </pre>
 *
 * <p>A shifted window's mask (the bracketed part) becomes an {@code add} of the bias and the constant
 * mask [nW, 1, N, N], the attention's mask with {@code mask_windows} nW, so the graph and the
 * written file run at any batch. The bias may come before the window partition in the file
 * (torchvision computes it first): its {@code Gather} is then held back, before constant folding
 * would turn it into a plain tensor, until the pattern's input is known. Every intermediate value
 * must be read only inside the pattern; if the shapes do not fit, the nodes are imported one by one.
 */
final class SwinAttentionPattern {

    private static final long[] QKV_PERM = {2, 0, 3, 1, 4};
    private static final long[] LAST_TWO = {0, 1, 3, 2};
    private static final long[] HEADS_FIRST = {0, 2, 1, 3};
    private static final long[] BY_HEAD = {2, 0, 1};

    private final OnnxImporter ctx;
    private final Map<NodeProto, Region> regions = new IdentityHashMap<>();
    private final Set<NodeProto> tried = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Creates the pattern of one import.
     *
     * @param ctx the import
     */
    SwinAttentionPattern(OnnxImporter ctx) {
        this.ctx = ctx;
    }

    /** The bias chain: Gather of the table, Reshape [N, N, H], Transpose, optional Unsqueeze. */
    private record Bias(NodeProto gather, NodeProto grid, NodeProto byHead, NodeProto unsqueeze) {
    }

    /** A shifted window's mask: the Reshape into windows, the constant mask added there, the Reshape back. */
    private record WindowMask(NodeProto split, String mask, NodeProto merge) {
    }

    /** A matched window attention and every member in file order. */
    private record Region(NodeProto split, List<NodeProto> scales, Bias bias,
            WindowMask windows, NodeProto softmax, NodeProto merge, List<NodeProto> members) {
    }

    /**
     * Tells whether a node belongs to a pattern found earlier and not imported yet; a bias
     * {@code Gather} met before its pattern's first node finds the pattern here, so that it is held
     * back rather than folded.
     *
     * @param n the node
     * @return true if held
     */
    boolean holds(NodeProto n) {
        if (!regions.containsKey(n) && n.getOpType().equals("Gather") && tried.add(n)) {
            splitOfBias(n).ifPresent(this::detectAndRegister);
        }
        return regions.containsKey(n);
    }

    /**
     * Imports the pattern a node belongs to, or holds the node back until the pattern's input is
     * known.
     *
     * @param n the node
     * @return true if the node was imported, held back or imported with its pattern
     */
    boolean tryMatch(NodeProto n) {
        if (!regions.containsKey(n) && n.getOpType().equals("Reshape") && tried.add(n)) {
            detectAndRegister(n);
        }
        Region r = regions.get(n);
        if (r == null) {
            return false;
        }
        if (!ctx.isKnown(r.split.getInput(0))) {
            if (n == r.members.get(r.members.size() - 1)) {
                throw ctx.error(n, "window attention reached its last node before its input was known", null);
            }
            return true;
        }
        for (NodeProto m : r.members) {
            regions.remove(m);
        }
        if (!emit(r)) {
            for (NodeProto m : r.members.subList(0, r.members.indexOf(n) + 1)) {
                ctx.importNodeAlone(m);
            }
        }
        return true;
    }

    private void detectAndRegister(NodeProto split) {
        detect(split).ifPresent(r -> r.members.forEach(m -> {
            regions.put(m, r);
            tried.add(m);
        }));
    }

    // ---- detection: node types, permutations and single consumers only ----

    private Optional<Region> detect(NodeProto split) {
        Optional<NodeProto> permute = next(split).filter(t -> is(t, "Transpose") && Arrays.equals(perm(t), QKV_PERM));
        if (permute.isEmpty() || ctx.isGraphOutput(permute.get().getOutput(0))) {
            return Optional.empty();
        }
        List<NodeProto> users = ctx.consumers(permute.get().getOutput(0));
        NodeProto[] parts = new NodeProto[3];
        for (NodeProto g : users) {
            int i = partIndex(g);
            if (i < 0 || parts[i] != null) {
                return Optional.empty();
            }
            parts[i] = g;
        }
        if (users.size() != 3) {
            return Optional.empty();
        }
        List<NodeProto> members = new ArrayList<>(List.of(split, permute.get(), parts[0], parts[1], parts[2]));
        List<NodeProto> scales = new ArrayList<>();
        NodeProto cur = forwardScales(parts[0], scales);
        Optional<NodeProto> scores = next(cur).filter(m -> is(m, "MatMul") && m.getInput(0).equals(cur.getOutput(0)));
        Optional<NodeProto> keyT = next(parts[1]).filter(t -> is(t, "Transpose") && Arrays.equals(perm(t), LAST_TWO));
        if (scores.isEmpty() || keyT.isEmpty() || next(keyT.get()).orElse(null) != scores.get()
                || !scores.get().getInput(1).equals(keyT.get().getOutput(0))) {
            return Optional.empty();
        }
        members.addAll(scales);
        members.addAll(List.of(keyT.get(), scores.get()));
        List<NodeProto> scoreScales = new ArrayList<>();
        NodeProto scaled = forwardScales(scores.get(), scoreScales);
        scales.addAll(scoreScales);
        members.addAll(scoreScales);
        Optional<NodeProto> add = next(scaled).filter(a -> is(a, "Add") && a.getInputCount() == 2);
        Optional<Bias> bias = add.flatMap(a -> biasOf(a, scaled.getOutput(0)));
        if (bias.isEmpty()) {
            return Optional.empty();
        }
        members.addAll(biasMembers(bias.get()));
        members.add(add.get());
        NodeProto last = add.get();
        WindowMask windows = null;
        Optional<NodeProto> after = next(last);
        if (after.isPresent() && is(after.get(), "Reshape")) {
            Optional<NodeProto> maskAdd = next(after.get()).filter(a -> is(a, "Add") && a.getInputCount() == 2);
            Optional<NodeProto> back = maskAdd.flatMap(this::next).filter(b -> is(b, "Reshape"));
            if (back.isEmpty()) {
                return Optional.empty();
            }
            String chain = after.get().getOutput(0);
            String mask = maskAdd.get().getInput(0).equals(chain) ? maskAdd.get().getInput(1) : maskAdd.get().getInput(0);
            windows = new WindowMask(after.get(), mask, back.get());
            members.addAll(List.of(after.get(), maskAdd.get(), back.get()));
            last = back.get();
        }
        Optional<NodeProto> softmax = next(last).filter(s -> is(s, "Softmax"));
        Optional<NodeProto> weighted = softmax.flatMap(this::next)
                .filter(m -> is(m, "MatMul") && m.getInput(0).equals(softmax.get().getOutput(0))
                        && m.getInput(1).equals(parts[2].getOutput(0)));
        Optional<NodeProto> back = weighted.flatMap(this::next)
                .filter(t -> is(t, "Transpose") && Arrays.equals(perm(t), HEADS_FIRST));
        Optional<NodeProto> merge = back.flatMap(this::next).filter(m -> is(m, "Reshape"));
        if (merge.isEmpty() || next(parts[2]).orElse(null) != weighted.get()) {
            return Optional.empty();
        }
        members.addAll(List.of(softmax.get(), weighted.get(), back.get(), merge.get()));
        members.sort(Comparator.comparingInt(ctx::indexOf));
        if (!closed(members, merge.get())) {
            return Optional.empty();
        }
        return Optional.of(new Region(split, scales, bias.get(), windows, softmax.get(), merge.get(), members));
    }

    /** The part (0 q, 1 k, 2 v) a Gather takes from the packed heads, or -1. */
    private int partIndex(NodeProto g) {
        if (!is(g, "Gather") || new OnnxAttributes(g).i("axis", 0) != 0 || g.getInputCount() != 2) {
            return -1;
        }
        return ctx.foldAhead(g.getInput(1)).filter(k -> k.array().getShape().dimension() == 0)
                .map(k -> (int) k.scalar()).filter(i -> i >= 0 && i < 3).orElse(-1);
    }

    /** Follows scalar Mul/Div nodes forward from a node; returns the last node of the chain. */
    private NodeProto forwardScales(NodeProto from, List<NodeProto> scales) {
        NodeProto cur = from;
        for (Optional<NodeProto> n = next(cur); n.isPresent() && (is(n.get(), "Mul") || is(n.get(), "Div"));
                n = next(cur)) {
            cur = n.get();
            scales.add(cur);
        }
        return cur;
    }

    /** The bias chain feeding an Add whose other input is the scores. */
    private Optional<Bias> biasOf(NodeProto add, String scores) {
        String other = add.getInput(0).equals(scores) ? add.getInput(1) : add.getInput(0);
        NodeProto first = ctx.producer(other).orElse(null);
        NodeProto unsqueeze = first != null && is(first, "Unsqueeze") ? first : null;
        NodeProto byHead = unsqueeze == null ? first : ctx.producer(unsqueeze.getInput(0)).orElse(null);
        if (byHead == null || !is(byHead, "Transpose") || !Arrays.equals(perm(byHead), BY_HEAD)) {
            return Optional.empty();
        }
        Optional<NodeProto> grid = ctx.producer(byHead.getInput(0)).filter(r -> is(r, "Reshape"));
        Optional<NodeProto> gather = grid.flatMap(r -> ctx.producer(r.getInput(0)))
                .filter(g -> is(g, "Gather") && new OnnxAttributes(g).i("axis", 0) == 0 && g.getInputCount() == 2);
        return gather.map(g -> new Bias(g, grid.get(), byHead, unsqueeze));
    }

    private static List<NodeProto> biasMembers(Bias b) {
        List<NodeProto> l = new ArrayList<>(List.of(b.gather, b.grid, b.byHead));
        if (b.unsqueeze != null) {
            l.add(b.unsqueeze);
        }
        return l;
    }

    /** From a bias Gather forward to its Add, then back along the scores to the qkv split. */
    private Optional<NodeProto> splitOfBias(NodeProto gather) {
        Optional<NodeProto> add = next(gather).filter(r -> is(r, "Reshape")).flatMap(this::next)
                .filter(t -> is(t, "Transpose") && Arrays.equals(perm(t), BY_HEAD)).flatMap(this::next)
                .flatMap(u -> is(u, "Unsqueeze") ? next(u) : Optional.of(u)).filter(a -> is(a, "Add"));
        if (add.isEmpty() || add.get().getInputCount() != 2) {
            return Optional.empty();
        }
        NodeProto cur = null;
        for (String in : add.get().getInputList()) {
            NodeProto p = ctx.producer(in).orElse(null);
            while (p != null && (is(p, "Mul") || is(p, "Div"))) {
                p = ctx.producer(p.getInput(0)).orElse(null);
            }
            if (p != null && is(p, "MatMul")) {
                cur = p;
            }
        }
        while (cur != null && !is(cur, "Gather")) {
            cur = ctx.producer(cur.getInput(0)).filter(p -> Set.of("Mul", "Div", "Gather").contains(p.getOpType()))
                    .orElse(null);
        }
        return Optional.ofNullable(cur).flatMap(g -> ctx.producer(g.getInput(0))).filter(t -> is(t, "Transpose"))
                .flatMap(t -> ctx.producer(t.getInput(0))).filter(r -> is(r, "Reshape"));
    }

    /** Every value produced inside the pattern is read only inside it; the merge's output leaves it. */
    private boolean closed(List<NodeProto> members, NodeProto merge) {
        for (NodeProto m : members) {
            if (m == merge) {
                continue;
            }
            if (m.getOutputCount() != 1 || ctx.isGraphOutput(m.getOutput(0))
                    || !members.containsAll(ctx.consumers(m.getOutput(0)))) {
                return false;
            }
        }
        return true;
    }

    // ---- import: shapes and constants, now that the input is known ----

    private boolean emit(Region r) {
        if (!ctx.isDynamic(r.split, 0)) {
            return false;
        }
        Value qkv = ctx.value(r.split, 0);
        Shape xs = qkv.shape();
        long[] t = xs.dimension() == 3 ? ReshapeTargets.resolve(ctx, r.split, xs) : new long[0];
        if (t.length != 5 || t[0] != xs.get(0) || t[1] != xs.get(1) || t[2] != 3) {
            return false;
        }
        long batch = t[0];
        long tokens = t[1];
        long heads = t[3];
        long width = heads * t[4];
        Optional<Double> scale = scale(r);
        Optional<Table> table = table(r.bias, tokens, heads);
        long[] merged = ReshapeTargets.resolve(ctx, r.merge, new Shape(batch, tokens, heads, t[4]));
        long softmaxAxis = new OnnxAttributes(r.softmax).i("axis", ctx.opset() >= 13 ? -1 : 1);
        Optional<NDArray> windowMask = r.windows == null ? Optional.empty() : windowMask(r.windows, batch, heads, tokens);
        if (scale.isEmpty() || table.isEmpty() || !Arrays.equals(merged, new long[] {batch, tokens, width})
                || softmaxAxis != -1 && softmaxAxis != 3 || r.windows != null && windowMask.isEmpty()) {
            return false;
        }
        String name = ctx.name(null, r.members);
        String node = ctx.allocateName(name + ".relative_position_bias");
        Shape tableShape = table.get().known.array().getShape();
        ctx.supply(node, "table", table.get().known, tableShape);
        Value mask = ctx.builder().op(OnnxRelativePositionBiasOp.NAME, node, Attributes.of()
                .with("shape", tableShape.getShape()).with("index", table.get().index)
                .with("tokens", tokens));
        if (windowMask.isPresent()) {
            Value constant = ctx.constantNode(new Operand.Known(windowMask.get(), null));
            mask = ctx.builder().op("add", ctx.allocateName(name + ".window_mask"), Attributes.of(), mask, constant);
        }
        Value[] in = new Value[4];
        for (int i = 0; i < 3; i++) {
            in[i] = ctx.builder().op("slice", ctx.allocateName(name + "." + "qkv".charAt(i)), Attributes.of()
                    .with("dim", -1L).with("start", i * width).with("end", (i + 1) * width).with("step", 1L), qkv);
        }
        in[3] = mask;
        Attributes attention = Attributes.of().with("num_heads", heads).with("scale", scale.get());
        if (windowMask.isPresent()) {
            attention = attention.with("mask_windows", windowMask.get().getShape().get(0));
        }
        Value y = ctx.builder().op("attention", name, attention, in);
        ctx.define(r.merge.getOutput(0), y);
        ctx.markDone(r.members);
        return true;
    }

    /** The bias table (an initializer [rows, H]) and the rows the bias reads. */
    private record Table(Operand.Known known, long[] index) {
    }

    /** The table and index, when they and the chain's shapes fit N tokens and H heads. */
    private Optional<Table> table(Bias b, long tokens, long heads) {
        Optional<Operand.Known> table = ctx.foldAhead(b.gather.getInput(0));
        Optional<Operand.Known> index = ctx.foldAhead(b.gather.getInput(1));
        if (table.isEmpty() || index.isEmpty() || table.get().initializer() == null
                || table.get().initializer().isEmpty() || table.get().array().getShape().dimension() != 2
                || table.get().array().getShape().get(1) != heads || index.get().array().size() != tokens * tokens) {
            return Optional.empty();
        }
        long rows = table.get().array().getShape().get(0);
        long[] idx = index.get().longs();
        long[] grid = ReshapeTargets.resolve(ctx, b.grid, new Shape(tokens * tokens, heads));
        if (Arrays.stream(idx).anyMatch(i -> i < 0 || i >= rows) || index.get().array().getShape().dimension() != 1
                || !Arrays.equals(grid, new long[] {tokens, tokens, heads}) || b.unsqueeze != null && !unsqueezesFirst(b)) {
            return Optional.empty();
        }
        return Optional.of(new Table(table.get(), idx));
    }

    private boolean unsqueezesFirst(Bias b) {
        OnnxAttributes a = new OnnxAttributes(b.unsqueeze);
        long[] axes = a.has("axes") ? a.ints("axes").orElseThrow()
                : b.unsqueeze.getInputCount() > 1 ? ctx.foldAhead(b.unsqueeze.getInput(1)).map(Operand.Known::longs)
                        .orElse(null) : null;
        return axes != null && axes.length == 1 && axes[0] == 0;
    }

    /** A shifted window's constant mask as [nW, 1, N, N], when the scores split into nW windows per image. */
    private Optional<NDArray> windowMask(WindowMask w, long batch, long heads, long tokens) {
        long[] split = ReshapeTargets.resolve(ctx, w.split, new Shape(batch, heads, tokens, tokens));
        Optional<Operand.Known> mask = ctx.foldAhead(w.mask);
        if (split.length != 5 || split[0] * split[1] != batch
                || !Arrays.equals(Arrays.copyOfRange(split, 2, 5), new long[] {heads, tokens, tokens})
                || mask.isEmpty()) {
            return Optional.empty();
        }
        long windows = split[1];
        long[] expected = {1, windows, 1, tokens, tokens};
        long[] ms = mask.get().array().getShape().getShape();
        if (!Arrays.equals(ms, expected) && !Arrays.equals(ms, Arrays.copyOfRange(expected, 1, 5))
                || !Arrays.equals(ReshapeTargets.resolve(ctx, w.merge, new Shape(split)),
                        new long[] {batch, heads, tokens, tokens})) {
            return Optional.empty();
        }
        return Optional.of(mask.get().array().reshape(windows, 1, tokens, tokens));
    }

    /** The product of every scalar Mul (and inverse of every Div by a constant) on q and the scores. */
    private Optional<Double> scale(Region r) {
        double s = 1;
        for (NodeProto op : r.scales) {
            if (op.getInputCount() != 2) {
                return Optional.empty();
            }
            boolean chainFirst = r.members.stream().anyMatch(m -> m.getOutput(0).equals(op.getInput(0)));
            String constant = op.getInput(chainFirst ? 1 : 0);
            Optional<Operand.Known> c = ctx.foldAhead(constant).filter(k -> k.array().size() == 1);
            if (c.isEmpty() || is(op, "Div") && !chainFirst) {
                return Optional.empty();
            }
            s *= is(op, "Div") ? 1 / c.get().scalar() : c.get().scalar();
        }
        return Optional.of(s);
    }

    // ---- graph helpers ----

    private static boolean is(NodeProto n, String opType) {
        return n.getOpType().equals(opType) && n.getDomain().isEmpty();
    }

    /** The only consumer of a node's output. */
    private Optional<NodeProto> next(NodeProto n) {
        String out = n.getOutput(0);
        List<NodeProto> users = ctx.consumers(out);
        return users.size() == 1 && !ctx.isGraphOutput(out) ? Optional.of(users.get(0)) : Optional.empty();
    }
}
