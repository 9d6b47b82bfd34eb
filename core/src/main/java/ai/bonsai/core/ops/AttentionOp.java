package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.pf4j.Extension;

/**
 * {@code attention}: scaled dot-product attention over already projected queries, keys and
 * values, with several heads, grouped-query attention, an optional additive mask and an optional
 * causal mask. No parameters: the projections are ordinary {@code linear} nodes around it.
 *
 * <p>Inputs: q [B, Tq, Hq·D], k [B, Tk, Hkv·D], v [B, Tk, Hkv·Dv] (heads × head size in the last
 * dimension, head-major), and optionally an additive mask broadcastable to [B, Hq, Tq, Tk] (0 where
 * a key is visible, a large negative number where not; Hugging Face's {@code (1 − attention_mask)
 * · finfo.min} extended to [B, 1, 1, Tk]). Output [B, Tq, Hq·Dv]. Attributes: {@code num_heads}
 * (Hq), {@code num_kv_heads} (Hkv; optional, default Hq; Hq a multiple of it: query heads {@code
 * g·Hq/Hkv ... (g+1)·Hq/Hkv − 1} share key/value head g, as Hugging Face's {@code repeat_kv}),
 * {@code scale} (the factor on q·kᵀ, usually {@code 1/sqrt(D)}: it is an attribute so that pruning
 * head dims keeps the original scaling and the pruned node computes exactly what the original
 * computes with those channels zeroed), {@code causal} (optional, default false: query i sees key j
 * only when {@code j <= i + Tk − Tq}, the bottom-right alignment of a key/value cache, which is
 * PyTorch's {@code is_causal} when Tq = Tk), {@code mask_windows} (optional, default 1: W > 1 says
 * the batch holds W consecutive windows of each image, as Swin's window attention, and the mask
 * [W, 1 or Hq, Tq, Tk] holds one entry per window: batch entry {@code b·W + w} adds mask entry w,
 * at any batch size that is a multiple of W). Per head: {@code softmax(q·kᵀ·scale + mask)·v};
 * positions hidden by the causal mask get the lowest float, so a row with no visible key averages
 * all values instead of producing NaN.
 *
 * <p>Channels: one coupled channel space. When D = Dv (every common model) it has Hq·D channels
 * and channel {@code h·D + j} is dimension j of query head h, of the key and value head serving h,
 * and of output head h: a group of the q projection's output channels takes the same channels of
 * the k and v projections and the output projection's input, exactly the group Torch-Pruning's
 * tracer finds through the matmuls of a Hugging Face or diffusers attention. Pruning whole heads
 * therefore removes q, k, v and output heads together (one group), and pruning the same dimensions
 * in every head shrinks D and Dv alike. With grouped-query attention the key and value slots use
 * {@link IndexMapping.HeadRepeat}: a key/value channel covers the same channel of every query head
 * of its group, so DepGraph removes a key/value head only with its whole query group, and a head
 * dimension only in all query heads of the group; removing some query heads of a group while
 * keeping their key/value head cannot be expressed as a channel group and is refused. When D ≠ Dv
 * the space has Hq·D + Hq·Dv channels: first the query/key channels, then the value/output
 * channels (offset Hq·D); the two halves form separate groups, so only head dimensions can be
 * pruned (evenly over the heads) and removing whole heads, which would need both halves, is
 * refused. A mask with one entry per query head (its third dimension from the end equal to Hq > 1,
 * as Swin's relative position bias [1, Hq, Tq, Tk]) carries head channels when D = Dv: its head h is
 * channels {@code [h·D, (h + 1)·D)} ({@link IndexMapping.Expansion}), so removing heads removes
 * them from the mask's producer too, and pruning head dims, which would take every head of the mask,
 * is refused by DepGraph; any other mask carries no channels.
 *
 * <p>Pruning (no parameters to cut): the removed channels must be whole heads, the same number of
 * channels from every head, or both (whole heads, and the same number from every other head, as
 * when heads and head dims are pruned in one step); whole heads lower {@code num_heads}, and
 * {@code num_kv_heads} by the whole key/value groups removed (when the attribute is set); head
 * dims leave every attribute as it is ({@code scale} included). Anything else throws a {@link
 * PruningException} naming the node.
 *
 * <p>MACs: 0, as Torch-Pruning's counter, which hooks modules only and so counts nothing for the
 * matmuls or {@code scaled_dot_product_attention} calls these models make (the products cost B ·
 * Hq · Tq · Tk · (D + Dv)).
 */
@Extension
public final class AttentionOp implements OpType {

    /** Heads and head sizes of a node at its current input shapes. */
    private record Geometry(int heads, int kvHeads, int headDim, int valueDim) {

        int repeats() {
            return heads / kvHeads;
        }

        boolean shared() {
            return headDim == valueDim;
        }

        int queryWidth() {
            return heads * headDim;
        }
    }

    @Override
    public String name() {
        return "attention";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        if (in.size() != 3 && in.size() != 4) {
            throw new GraphException("expects 3 inputs (q, k, v) or 4 (q, k, v, mask), found "
                    + in.size());
        }
        Shape q = Shapes.requireRank(in.get(0), 3, "q");
        Shape k = Shapes.requireRank(in.get(1), 3, "k");
        Shape v = Shapes.requireRank(in.get(2), 3, "v");
        if (q.get(0) != k.get(0) || k.get(0) != v.get(0) || k.get(1) != v.get(1)) {
            throw new GraphException("q " + q + ", k " + k + " and v " + v
                    + " need one batch size, and k and v one length");
        }
        Geometry g = geometry(node.attributes(), q, k, v);
        if (!Double.isFinite(node.attributes().getDouble("scale"))) {
            throw new GraphException("scale " + node.attributes().getDouble("scale") + " must be finite");
        }
        long windows = windows(node.attributes());
        if (windows > 1 && (in.size() != 4 || in.get(3).dimension() != 4 || in.get(3).get(0) != windows
                || q.get(0) % windows != 0)) {
            throw new GraphException("mask_windows " + windows + " needs a mask [" + windows
                    + ", heads, Tq, Tk] and a batch that is a multiple of it, found q " + q
                    + (in.size() == 4 ? " and mask " + in.get(3) : " and no mask"));
        }
        if (in.size() == 4) {
            Shape scores = new Shape(windows > 1 ? windows : q.get(0), g.heads(), q.get(1), k.get(1));
            Shape mask = in.get(3);
            boolean fits = mask.dimension() <= 4;
            for (int i = 1; fits && i <= mask.dimension(); i++) {
                long m = mask.get(mask.dimension() - i);
                fits = m == 1 || m == scores.get(4 - i);
            }
            if (!fits) {
                throw new GraphException("mask " + mask + " does not broadcast to the scores "
                        + scores + " [B, heads, Tq, Tk]");
            }
        }
        return List.of(new Shape(q.get(0), q.get(1), (long) g.heads() * g.valueDim()));
    }

    private static Geometry geometry(Attributes a, Shape q, Shape k, Shape v) {
        int heads = a.getInt("num_heads");
        int kvHeads = a.has("num_kv_heads") ? a.getInt("num_kv_heads") : heads;
        if (heads < 1 || kvHeads < 1 || heads % kvHeads != 0) {
            throw new GraphException("num_heads " + heads + " must be a positive multiple of"
                    + " num_kv_heads " + kvHeads);
        }
        long width = q.get(2);
        if (width % heads != 0 || k.get(2) != width / heads * kvHeads || v.get(2) % kvHeads != 0) {
            throw new GraphException("q " + q + ", k " + k + " and v " + v + " do not hold "
                    + heads + " query heads and " + kvHeads + " key/value heads of one size each");
        }
        return new Geometry(heads, kvHeads, Math.toIntExact(width / heads),
                Math.toIntExact(v.get(2) / kvHeads));
    }

    private static Geometry geometry(Node node) {
        List<Value> in = node.inputs();
        return geometry(node.attributes(), in.get(0).shape(), in.get(1).shape(), in.get(2).shape());
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        NDArray q = inputs.get(0);
        Shape qs = q.getShape();
        Geometry g = geometry(a, qs, inputs.get(1).getShape(), inputs.get(2).getShape());
        long b = qs.get(0);
        long tq = qs.get(1);
        long tk = inputs.get(1).getShape().get(1);
        // query heads of one key/value group stacked along the sequence: [B, Hkv, rep·Tq, D]
        NDArray queries = heads(q, g.heads(), g.headDim()).reshape(b, g.kvHeads(), g.repeats() * tq, g.headDim());
        NDArray keys = heads(inputs.get(1), g.kvHeads(), g.headDim());
        NDArray values = heads(inputs.get(2), g.kvHeads(), g.valueDim());
        NDArray scale = context.scalar(a.getDouble("scale"), queries);
        NDArray scores = queries.matMul(keys.transpose(0, 1, 3, 2)).mul(scale)
                .reshape(b, g.heads(), tq, tk);
        long windows = windows(a);
        if (inputs.size() == 4 && windows > 1) {
            scores = scores.reshape(b / windows, windows, g.heads(), tq, tk).add(inputs.get(3))
                    .reshape(b, g.heads(), tq, tk);
        } else if (inputs.size() == 4) {
            scores = scores.add(inputs.get(3));
        }
        if (a.has("causal") && a.getBoolean("causal")) {
            scores = causal(scores, tq, tk);
        }
        NDArray attended = scores.softmax(-1).reshape(b, g.kvHeads(), g.repeats() * tq, tk).matMul(values);
        return new NDList(attended.reshape(b, g.heads(), tq, g.valueDim()).transpose(0, 2, 1, 3)
                .reshape(b, tq, (long) g.heads() * g.valueDim()));
    }

    /** The windows per image the mask is given for (attribute {@code mask_windows}, default 1). */
    private static long windows(Attributes a) {
        return a.has("mask_windows") ? a.getLong("mask_windows") : 1;
    }

    /** [B, T, H·d] to [B, H, T, d]. */
    private static NDArray heads(NDArray x, int heads, int size) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, size).transpose(0, 2, 1, 3);
    }

    /** Replaces the scores of keys after each query's position (bottom-right aligned). */
    private static NDArray causal(NDArray scores, long tq, long tk) {
        NDManager m = scores.getManager();
        NDArray last = m.arange(0, (int) tq, 1, DataType.INT64)
                .add(tk - tq).reshape(tq, 1);
        NDArray visible = m.arange(0, (int) tk, 1, DataType.INT64)
                .reshape(1, tk).lte(last);
        NDArray lowest = m.full(scores.getShape(), -Float.MAX_VALUE, scores.getDataType());
        return NDArrays.where(visible.broadcast(scores.getShape()), scores, lowest);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Geometry g = geometry(node);
        int kvQuery = g.kvHeads() * g.headDim();
        int kvValue = g.kvHeads() * g.valueDim();
        List<ChannelSlot> inputs = new ArrayList<>();
        if (g.shared()) {
            int space = g.queryWidth();
            inputs.add(ChannelSlot.at(2));
            inputs.add(kvSlot(g.headDim(), g.repeats(), 0, kvQuery));
            inputs.add(kvSlot(g.valueDim(), g.repeats(), 0, kvValue));
            addMaskSlot(node, inputs, g);
            return new ChannelSemantics(Coupling.COUPLED, space, space, inputs, List.of(ChannelSlot.at(2)));
        }
        int offset = g.queryWidth();
        int values = g.heads() * g.valueDim();
        inputs.add(new ChannelSlot(2, new IndexMapping.Offset(0, offset)));
        inputs.add(new ChannelSlot(2, new IndexMapping.HeadRepeat(g.headDim(), g.repeats(), 0, kvQuery)));
        inputs.add(new ChannelSlot(2, new IndexMapping.HeadRepeat(g.valueDim(), g.repeats(), offset, kvValue)));
        addMaskSlot(node, inputs, null);
        return new ChannelSemantics(Coupling.COUPLED, offset + values, offset + values, inputs,
                List.of(new ChannelSlot(2, new IndexMapping.Offset(offset, values))));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The query heads ({@code num_heads}) when query and value heads have one size; empty
     * otherwise, since the space then holds the query/key and the value/output channels apart.
     */
    @Override
    public OptionalInt attentionHeads(Node node) {
        Geometry g = geometry(node);
        return g.shared() ? OptionalInt.of(g.heads()) : OptionalInt.empty();
    }

    private static ChannelSlot kvSlot(int headDim, int repeats, int offset, int length) {
        return repeats == 1 ? ChannelSlot.at(2)
                : new ChannelSlot(2, new IndexMapping.HeadRepeat(headDim, repeats, offset, length));
    }

    /** The mask's slot: head channels for a per-head mask when D = Dv ({@code shared} given), else none. */
    private static void addMaskSlot(Node node, List<ChannelSlot> inputs, Geometry shared) {
        if (node.inputs().size() != 4) {
            return;
        }
        Shape mask = node.inputs().get(3).shape();
        int dim = mask.dimension() - 3;
        boolean perHead = shared != null && shared.heads() > 1 && dim >= 0 && mask.get(dim) == shared.heads();
        inputs.add(perHead ? new ChannelSlot(dim, new IndexMapping.Expansion(shared.headDim())) : ChannelSlot.NONE);
    }

    /**
     * {@inheritDoc}
     *
     * @throws PruningException naming the node unless the channels are whole heads (whole
     *     key/value groups under grouped-query attention, both halves alike when D ≠ Dv) and the
     *     same number of channels from every other head
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        Geometry g = geometry(node);
        int split = g.queryWidth();
        IndexSet queryKey = IndexSet.of(idxs.stream().filter(i -> g.shared() || i < split).toArray());
        int[] removed = removedHeads(node, queryKey, g.headDim(), g.heads());
        if (!g.shared()) {
            IndexSet valueOut = IndexSet.of(idxs.stream().filter(i -> i >= split).map(i -> i - split).toArray());
            int[] valueRemoved = removedHeads(node, valueOut, g.valueDim(), g.heads());
            if (!Arrays.equals(removed, valueRemoved)) {
                throw new PruningException("node '" + node.name() + "' (attention): its query/key head"
                        + " size " + g.headDim() + " differs from its value head size " + g.valueDim()
                        + ", so only head dims can be pruned, not heads " + Arrays.toString(
                                removed.length > 0 ? removed : valueRemoved));
            }
        }
        if (removed.length == 0) {
            return;
        }
        int groups = 0;
        for (int first = 0; first < g.heads(); first += g.repeats()) {
            int from = first;
            long inGroup = IntStream.of(removed).filter(h -> h >= from && h < from + g.repeats()).count();
            if (inGroup != 0 && inGroup != g.repeats()) {
                throw new PruningException("node '" + node.name() + "' (attention): query heads "
                        + first + ".." + (first + g.repeats() - 1) + " share key/value head "
                        + first / g.repeats() + "; removing " + inGroup + " of them keeps the"
                        + " key/value head, remove all " + g.repeats() + " or none");
            }
            groups += inGroup == 0 ? 0 : 1;
        }
        editor.setAttribute("num_heads", (long) g.heads() - removed.length);
        if (node.attributes().has("num_kv_heads")) {
            editor.setAttribute("num_kv_heads", (long) g.kvHeads() - groups);
        }
    }

    /**
     * Returns the heads whose channels all go; the other heads must each lose the same number of
     * channels (none, or the same head dims).
     */
    private static int[] removedHeads(Node node, IndexSet idxs, int headDim, int heads) {
        int[] removed = new int[heads];
        idxs.stream().forEach(i -> removed[i / headDim]++);
        int[] partial = Arrays.stream(removed).filter(r -> r < headDim).distinct().toArray();
        if (partial.length > 1) {
            throw new PruningException("node '" + node.name() + "' (attention): attention needs whole heads"
                    + " and an equal number of channels from every other head, the removed channels " + idxs
                    + " take " + Arrays.toString(removed) + " from its " + heads + " heads of " + headDim);
        }
        return IntStream.range(0, heads).filter(h -> removed[h] == headDim).toArray();
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    /**
     * Returns the channels of whole query heads in the node's channel space, the indices to prune
     * (for example with {@link ai.bonsai.core.depgraph.DependencyGraph#getPruningGroup} on the
     * node) to remove those heads.
     *
     * @param node an {@code attention} node whose query and value head sizes are equal
     * @param heads the query heads (under grouped-query attention, whole groups of them)
     * @return channels {@code [h·D, (h + 1)·D)} of every head h
     * @throws PruningException naming the node if a head is out of range or the head sizes differ
     */
    public static IndexSet headChannels(Node node, IndexSet heads) {
        Geometry g = geometry(node);
        if (!g.shared()) {
            throw new PruningException("node '" + node.name() + "' (attention) has query/key heads of "
                    + g.headDim() + " and value heads of " + g.valueDim() + ": whole heads cannot be pruned");
        }
        if (!heads.isEmpty() && heads.max() >= g.heads()) {
            throw new PruningException("node '" + node.name() + "' has " + g.heads() + " heads, head "
                    + heads.max() + " is out of range");
        }
        int d = g.headDim();
        return IndexSet.of(heads.stream().flatMap(h -> IntStream.range(h * d, (h + 1) * d)).toArray());
    }
}
