package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognizes the multi-node forms older exporters emit for one PyTorch module and imports each as
 * one Bonsai node: layer norm as {@code ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div[, Mul,
 * Add]}, exact GELU as {@code Div(sqrt 2), Erf, Add(1), Mul(x), Mul(0.5)}, SiLU as {@code
 * Mul(x, Sigmoid(x))}, a linear layer as {@code MatMul} by a constant {@code [in, out]} weight plus
 * {@code Add} of a constant {@code [out]} bias; through {@link MultiheadAttentionPattern} PyTorch's
 * {@code nn.MultiheadAttention} export as one {@code multihead_attention}, through {@link
 * ChannelShufflePattern} ShuffleNet's channel shuffle as one {@code channel_shuffle}, through {@link
 * AttentionPattern} the per-head chain of scaled dot-product attention as one {@code attention}
 * (held back until its inputs are known), through {@link SwinAttentionPattern} Swin's window
 * attention with its relative position bias. Intermediate
 * values must have no other consumer.
 */
final class Patterns {

    private final OnnxImporter ctx;
    private final MultiheadAttentionPattern multiheadAttention;
    private final ChannelShufflePattern channelShuffle;
    private final AttentionPattern attention;
    private final SwinAttentionPattern windowAttention;

    /**
     * Creates the patterns of one import.
     *
     * @param ctx the import
     */
    Patterns(OnnxImporter ctx) {
        this.ctx = ctx;
        this.multiheadAttention = new MultiheadAttentionPattern(ctx);
        this.channelShuffle = new ChannelShufflePattern(ctx);
        this.attention = new AttentionPattern(ctx);
        this.windowAttention = new SwinAttentionPattern(ctx);
    }

    /**
     * Tells whether a node belongs to a pattern found earlier and not imported yet (its inputs may
     * not be defined yet: the pattern imports or releases it).
     *
     * @param n the node
     * @return true if a pattern holds it
     */
    boolean holds(NodeProto n) {
        return attention.holds(n) || windowAttention.holds(n);
    }

    /**
     * Imports the pattern starting at a node, if one does.
     *
     * @param n the node
     * @return true if a pattern was imported
     */
    boolean tryMatch(NodeProto n) {
        if (windowAttention.tryMatch(n) || attention.tryMatch(n)) {
            return true;
        }
        return switch (n.getOpType()) {
            case "ReduceMean" -> layerNorm(n);
            case "Reshape" -> channelShuffle.tryMatch(n) || groupNorm(n);
            case "Div" -> gelu(n);
            case "Sigmoid" -> silu(n);
            case "MatMul" -> linearWithBias(n);
            case "Transpose" -> multiheadAttention.tryMatch(n);
            default -> false;
        };
    }

    private Optional<NodeProto> only(NodeProto producer, String opType) {
        String out = producer.getOutput(0);
        List<NodeProto> users = ctx.consumers(out);
        if (users.size() != 1 || ctx.isGraphOutput(out) || !users.get(0).getOpType().equals(opType)) {
            return Optional.empty();
        }
        return Optional.of(users.get(0));
    }

    private boolean constantIs(NodeProto n, String notThis, double expected, double tolerance) {
        int k = n.getInput(0).equals(notThis) ? 1 : 0;
        return ctx.known(n, k).filter(c -> c.array().size() == 1)
                .map(c -> Math.abs(c.scalar() - expected) <= tolerance).orElse(false);
    }

    private Optional<Operand.Known> otherConstant(NodeProto n, String notThis) {
        int k = n.getInput(0).equals(notThis) ? 1 : 0;
        return k < n.getInputCount() ? ctx.foldAhead(n.getInput(k)) : Optional.empty();
    }

    private boolean lastAxis(NodeProto reduce, Value x) {
        OnnxAttributes at = new OnnxAttributes(reduce);
        long[] axes = at.has("axes") ? at.ints("axes").orElseThrow()
                : ctx.known(reduce, 1).map(Operand.Known::longs).orElse(null);
        int rank = x.shape().dimension();
        return axes != null && axes.length == 1 && (axes[0] == -1 || axes[0] == rank - 1)
                && at.i("keepdims", 1) == 1;
    }

    private boolean layerNorm(NodeProto mean) {
        if (!ctx.isDynamic(mean, 0)) {
            return false;
        }
        String xName = mean.getInput(0);
        Value x = ctx.value(mean, 0);
        if (!lastAxis(mean, x)) {
            return false;
        }
        Optional<NodeProto> sub = only(mean, "Sub")
                .filter(s -> s.getInput(0).equals(xName) && s.getInput(1).equals(mean.getOutput(0)));
        if (sub.isEmpty()) {
            return false;
        }
        String centered = sub.get().getOutput(0);
        List<NodeProto> users = ctx.consumers(centered);
        NodeProto pow = users.stream().filter(u -> u.getOpType().equals("Pow")).findFirst().orElse(null);
        NodeProto div = users.stream().filter(u -> u.getOpType().equals("Div")).findFirst().orElse(null);
        if (users.size() != 2 || pow == null || div == null || !constantIs(pow, centered, 2, 0)
                || !div.getInput(0).equals(centered)) {
            return false;
        }
        Optional<NodeProto> var = only(pow, "ReduceMean").filter(r -> lastAxis(r, x));
        Optional<NodeProto> addEps = var.flatMap(v -> only(v, "Add"));
        Optional<NodeProto> sqrt = addEps.flatMap(a -> only(a, "Sqrt"));
        if (sqrt.isEmpty() || !div.getInput(1).equals(sqrt.get().getOutput(0))) {
            return false;
        }
        Optional<Operand.Known> eps = otherConstant(addEps.get(), var.get().getOutput(0));
        if (eps.isEmpty() || eps.get().array().size() != 1) {
            return false;
        }
        List<NodeProto> members = new ArrayList<>(List.of(mean, sub.get(), pow, var.get(),
                addEps.get(), sqrt.get(), div));
        long c = x.shape().get(x.shape().dimension() - 1);
        Optional<NodeProto> mul = only(div, "Mul");
        Optional<Operand.Known> gamma = mul.flatMap(m -> otherConstant(m, div.getOutput(0)))
                .filter(g -> g.array().size() == c);
        Optional<NodeProto> add = gamma.flatMap(g -> only(mul.get(), "Add"));
        Optional<Operand.Known> beta = add.flatMap(a -> otherConstant(a, mul.get().getOutput(0)))
                .filter(bb -> bb.array().size() == c);
        NodeProto last = div;
        if (gamma.isPresent()) {
            members.add(mul.get());
            last = mul.get();
            if (beta.isPresent()) {
                members.add(add.get());
                last = add.get();
            }
        }
        String name = ctx.name(gamma.map(Operand.Known::initializer).orElse(null), members);
        if (gamma.isPresent()) {
            ctx.supply(name, "weight", gamma.get(), new Shape(c));
            if (beta.isPresent()) {
                ctx.supply(name, "bias", beta.get(), new Shape(c));
            } else {
                ctx.supplyArray(name, "bias", ctx.builder().manager().zeros(new Shape(c)));
            }
        }
        Value y = ctx.builder().op("layer_norm", name, Attributes.of()
                .with("normalized_shape", new long[] {c})
                .with("eps", eps.get().scalar())
                .with("elementwise_affine", gamma.isPresent()), x);
        ctx.define(last.getOutput(0), y);
        ctx.markDone(members);
        return true;
    }

    private boolean groupNorm(NodeProto reshape) {
        Optional<Operand.Known> target = ctx.known(reshape, 1);
        if (!ctx.isDynamic(reshape, 0) || target.isEmpty()) {
            return false;
        }
        String xName = reshape.getInput(0);
        Value x = ctx.value(reshape, 0);
        long[] t = target.get().longs();
        if (x.shape().dimension() < 3 || t.length != 3 || (t[0] != 0 && t[0] != x.shape().get(0))
                || t[2] != -1 || t[1] < 1 || x.shape().get(1) % t[1] != 0) {
            return false;
        }
        long groups = t[1];
        long c = x.shape().get(1);
        Optional<NodeProto> norm = only(reshape, "InstanceNormalization");
        Optional<Operand.Known> ones = norm.flatMap(nn -> ctx.known(nn, 1)).filter(k -> filled(k, groups, 1));
        Optional<Operand.Known> zeros = norm.flatMap(nn -> ctx.known(nn, 2)).filter(k -> filled(k, groups, 0));
        Optional<NodeProto> back = ones.isPresent() && zeros.isPresent()
                ? only(norm.get(), "Reshape").filter(r -> isShapeOf(r.getInput(1), xName, x))
                : Optional.empty();
        Optional<NodeProto> mul = back.flatMap(r -> only(r, "Mul"));
        Optional<Operand.Known> gamma = mul.flatMap(m -> otherConstant(m, back.get().getOutput(0)))
                .filter(g -> perChannel(g, c));
        Optional<NodeProto> add = gamma.flatMap(g -> only(mul.get(), "Add"));
        Optional<Operand.Known> beta = add.flatMap(a -> otherConstant(a, mul.get().getOutput(0)))
                .filter(bb -> perChannel(bb, c));
        if (beta.isEmpty()) {
            return false;
        }
        List<NodeProto> members = List.of(reshape, norm.get(), back.get(), mul.get(), add.get());
        String name = ctx.name(gamma.get().initializer(), members);
        ctx.supply(name, "weight", gamma.get(), new Shape(c));
        ctx.supply(name, "bias", beta.get(), new Shape(c));
        Value y = ctx.builder().op("group_norm", name, Attributes.of().with("num_groups", groups)
                .with("eps", (double) new OnnxAttributes(norm.get()).f("epsilon", 1e-5f))
                .with("affine", true), x);
        ctx.define(add.get().getOutput(0), y);
        ctx.markDone(members);
        return true;
    }

    private static boolean filled(Operand.Known k, long size, float value) {
        if (k.array().size() != size) {
            return false;
        }
        for (float v : k.array().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()) {
            if (v != value) {
                return false;
            }
        }
        return true;
    }

    private static boolean perChannel(Operand.Known k, long c) {
        long[] dims = k.array().getShape().getShape();
        return k.array().size() == c && dims.length >= 1 && dims[0] == c;
    }

    private boolean isShapeOf(String shapeValue, String xName, Value x) {
        Optional<Operand.Known> k = ctx.peekKnown(shapeValue);
        if (k.isPresent()) {
            return java.util.Arrays.equals(k.get().longs(), x.shape().getShape());
        }
        return ctx.producer(shapeValue).filter(p -> p.getOpType().equals("Shape")
                && p.getInput(0).equals(xName) && p.getAttributeCount() == 0).isPresent();
    }

    private boolean linearWithBias(NodeProto matMul) {
        Optional<Operand.Known> w = ctx.known(matMul, 1);
        if (!ctx.isDynamic(matMul, 0) || w.isEmpty()) {
            return false;
        }
        Value x = ctx.value(matMul, 0);
        Shape ws = w.get().array().getShape();
        if (ws.dimension() != 2 || x.shape().dimension() < 2 || x.shape().get(x.shape().dimension() - 1) != ws.get(0)) {
            return false;
        }
        long out = ws.get(1);
        Optional<NodeProto> add = only(matMul, "Add");
        Optional<Operand.Known> bias = add.flatMap(a -> otherConstant(a, matMul.getOutput(0)))
                .filter(b -> b.array().getShape().dimension() == 1 && b.array().size() == out);
        if (bias.isEmpty()) {
            return false;
        }
        List<NodeProto> members = List.of(matMul, add.get());
        String name = ctx.name(w.get().initializer(), members);
        ctx.supplyArray(name, "weight", w.get().array().transpose().duplicate()
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false), w.get().initializer());
        ctx.supply(name, "bias", bias.get(), new Shape(out));
        ctx.define(add.get().getOutput(0), ctx.builder().op("linear", name,
                Attributes.of().with("out_features", out).with("bias", true), x));
        ctx.markDone(members);
        return true;
    }

    private boolean gelu(NodeProto div) {
        if (!ctx.isDynamic(div, 0) || !constantIs(div, div.getInput(0), Math.sqrt(2), 1e-4)) {
            return false;
        }
        String xName = div.getInput(0);
        Optional<NodeProto> erf = only(div, "Erf");
        Optional<NodeProto> add = erf.flatMap(e -> only(e, "Add"))
                .filter(a -> constantIs(a, erf.get().getOutput(0), 1, 0));
        Optional<NodeProto> mul = add.flatMap(a -> only(a, "Mul"))
                .filter(m -> m.getInputList().contains(xName));
        Optional<NodeProto> half = mul.flatMap(m -> only(m, "Mul"))
                .filter(h -> constantIs(h, mul.get().getOutput(0), 0.5, 0));
        if (half.isEmpty()) {
            return false;
        }
        List<NodeProto> members = List.of(div, erf.get(), add.get(), mul.get(), half.get());
        String name = ctx.name(null, members);
        Value y = ctx.builder().op("gelu", name, Attributes.of(), ctx.value(div, 0));
        ctx.define(half.get().getOutput(0), y);
        ctx.markDone(members);
        return true;
    }

    private boolean silu(NodeProto sigmoid) {
        if (!ctx.isDynamic(sigmoid, 0)) {
            return false;
        }
        String xName = sigmoid.getInput(0);
        Optional<NodeProto> mul = only(sigmoid, "Mul").filter(m -> m.getInputList().contains(xName));
        if (mul.isEmpty()) {
            return false;
        }
        List<NodeProto> members = List.of(sigmoid, mul.get());
        Value y = ctx.builder().op("silu", ctx.name(null, members), Attributes.of(),
                ctx.value(sigmoid, 0));
        ctx.define(mul.get().getOutput(0), y);
        ctx.markDone(members);
        return true;
    }
}
