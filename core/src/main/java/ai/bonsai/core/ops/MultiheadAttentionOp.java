package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.pf4j.Extension;

/**
 * {@code multihead_attention}: PyTorch's {@code nn.MultiheadAttention} with {@code batch_first}
 * inputs [N, T, E] and the packed q/k/v projection. One input is self-attention (query = key =
 * value); three inputs are query, key and value, all with E features ({@code kdim = vdim =
 * embed_dim}; no {@code add_bias_kv}, no {@code add_zero_attn}). No mask, no dropout; the output
 * is the attended sequence (not the attention weights).
 *
 * <p>Attributes: {@code embed_dim} (E), {@code num_heads}, {@code bias}. Parameters, with local
 * names that make the full names PyTorch's state_dict names: {@code in_proj_weight} [3E, E] (q, k
 * and v projections stacked), {@code in_proj_bias} [3E], {@code out_proj.weight} [E, E], {@code
 * out_proj.bias} [E] (biases only with {@code bias}).
 *
 * <p>Channels: as in Torch-Pruning, the embedding channels of the inputs, of the q/k/v
 * projections and of the output are one coupled space: pruning channel c removes column c and
 * rows c, E + c, 2E + c of {@code in_proj_weight}, row and column c of {@code out_proj.weight}, and
 * the matching bias entries, and lowers {@code embed_dim}. The removed channels must be whole
 * heads ({@code num_heads} drops, the head size stays: the pruned attention computes what the
 * original computes with those heads masked) or the same number of channels from every head
 * (the head size drops and {@code num_heads} stays; each head's {@code 1/sqrt(head size)}
 * scaling changes with it, as in Torch-Pruning, so this is not the same as masking); any other
 * selection throws a {@link PruningException} naming the node. Torch-Pruning's function itself
 * only asks that the embedding left divide by {@code num_heads}; its pruner chooses the channels
 * per head. {@link #headChannels} gives the channels of whole heads.
 *
 * <p>MACs, as Torch-Pruning's counter, per sequence with query, key and value lengths Tq, Tk, Tv:
 * {@code Tq E} (scaling) + {@code (Tq + Tk + Tv) E^2} (projections, + {@code (Tq + Tk + Tv) E}
 * with biases) + {@code heads (2 Tq Tk E/heads + Tq Tk)} (scores, softmax, weighted values) +
 * {@code Tq E (E + 1)} (output projection); times N.
 */
@Extension
public final class MultiheadAttentionOp implements OpType {

    private static final String IN_WEIGHT = "in_proj_weight";
    private static final String IN_BIAS = "in_proj_bias";
    private static final String OUT_WEIGHT = "out_proj.weight";
    private static final String OUT_BIAS = "out_proj.bias";

    @Override
    public String name() {
        return "multihead_attention";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        checkInputs(in, a.getLong("embed_dim"));
        long e = a.getLong("embed_dim");
        long heads = a.getLong("num_heads");
        if (heads < 1 || e % heads != 0) {
            throw new GraphException("num_heads " + heads + " must divide embed_dim " + e);
        }
        ParameterSpec.Init init = ParameterSpec.Init.uniformFanIn(e);
        List<ParameterSpec> specs = new ArrayList<>();
        specs.add(ParameterSpec.weight(IN_WEIGHT, new Shape(3 * e, e), init));
        specs.add(ParameterSpec.weight(OUT_WEIGHT, new Shape(e, e), init));
        if (a.getBoolean("bias")) {
            specs.add(ParameterSpec.weight(IN_BIAS, new Shape(3 * e), init));
            specs.add(ParameterSpec.weight(OUT_BIAS, new Shape(e), init));
        }
        return specs;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        long e = node.attributes().getLong("embed_dim");
        checkInputs(in, e);
        Shape expected = new Shape(3 * e, e);
        Shape actual = node.parameter(IN_WEIGHT).shape();
        if (!actual.equals(expected) || node.parameter(OUT_WEIGHT).shape().get(0) != e) {
            throw new GraphException(IN_WEIGHT + " " + actual + " and " + OUT_WEIGHT + " "
                    + node.parameter(OUT_WEIGHT).shape() + " do not match embed_dim " + e);
        }
        if (e % node.attributes().getLong("num_heads") != 0) {
            throw new GraphException("num_heads " + node.attributes().getLong("num_heads")
                    + " must divide embed_dim " + e);
        }
        return List.of(in.get(0));
    }

    private static void checkInputs(List<Shape> in, long embed) {
        if (in.size() != 1 && in.size() != 3) {
            throw new GraphException("expects 1 input (self-attention) or 3 (query, key, value),"
                    + " found " + in.size());
        }
        for (Shape s : in) {
            Shapes.requireRank(s, 3, "input");
            if (s.get(2) != embed || s.get(0) != in.get(0).get(0)) {
                throw new GraphException("inputs " + in + " must be [N, T, embed_dim " + embed
                        + "] with one batch size");
            }
        }
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        Attributes a = node.attributes();
        long e = a.getLong("embed_dim");
        int heads = a.getInt("num_heads");
        NDArray q = heads(project(node, inputs.get(0), 0, e), heads);
        NDArray k = heads(project(node, inputs.get(inputs.size() == 3 ? 1 : 0), 1, e), heads);
        NDArray v = heads(project(node, inputs.get(inputs.size() == 3 ? 2 : 0), 2, e), heads);
        NDArray scale = context.scalar(Math.sqrt((double) e / heads), q);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(scale);
        NDArray attended = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3);
        Shape s = attended.getShape();
        NDArray merged = attended.reshape(s.get(0), s.get(1), e);
        NDArray outBias = node.hasParameter(OUT_BIAS) ? node.parameter(OUT_BIAS).array() : null;
        return Linear.linear(merged, node.parameter(OUT_WEIGHT).array(), outBias);
    }

    /** Projects an input with the k-th block (0: q, 1: k, 2: v) of the packed projection. */
    private static NDArray project(Node node, NDArray x, int block, long e) {
        NDIndex rows = new NDIndex("{}:{}", block * e, (block + 1) * e);
        NDArray bias = node.hasParameter(IN_BIAS) ? node.parameter(IN_BIAS).array().get(rows) : null;
        return Linear.linear(x, node.parameter(IN_WEIGHT).array().get(rows), bias).head();
    }

    /** [N, T, E] to [N, heads, T, E / heads]. */
    private static NDArray heads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /**
     * Returns the embedding channels of whole heads, the indices to prune (with {@link
     * ai.bonsai.core.depgraph.DependencyGraph#getPruningGroup} or {@link
     * PruningFunctions#pruneMultiheadAttentionOutChannels}) to remove those heads.
     *
     * @param node a {@code multihead_attention} node
     * @param heads the heads
     * @return channels {@code [h * head_dim, (h + 1) * head_dim)} of every head h
     * @throws PruningException naming the node if a head is out of range
     */
    public static IndexSet headChannels(Node node, IndexSet heads) {
        int count = node.attributes().getInt("num_heads");
        if (heads.max() >= count) {
            throw new PruningException("node '" + node.name() + "' has "
                    + count + " heads, head " + heads.max() + " is out of range");
        }
        int size = node.attributes().getInt("embed_dim") / count;
        return IndexSet.of(heads.stream().flatMap(h -> IntStream.range(h * size, (h + 1) * size)).toArray());
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int e = node.attributes().getInt("embed_dim");
        return new ChannelSemantics(Coupling.COUPLED, e, e,
                Collections.nCopies(node.inputs().size(), ChannelSlot.at(2)),
                List.of(ChannelSlot.at(2)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code num_heads}: channel {@code h·D + j} of {@code embed_dim} is dimension j of head h.
     */
    @Override
    public OptionalInt attentionHeads(Node node) {
        return OptionalInt.of(node.attributes().getInt("num_heads"));
    }

    /**
     * {@inheritDoc}
     *
     * @throws PruningException naming the node unless the channels are whole
     *     heads or the same number from every head
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Attributes a = editor.node().attributes();
        int e = a.getInt("embed_dim");
        int heads = a.getInt("num_heads");
        long left = ChannelGroups.remaining(editor.node(), "attention", "head", idxs, e, heads);
        IndexSet qkv = IndexSet.of(IntStream.range(0, 3)
                .flatMap(block -> idxs.stream().map(i -> i + block * e)).toArray());
        editor.removeIndices(IN_WEIGHT, 0, qkv);
        editor.removeIndices(IN_WEIGHT, 1, idxs);
        editor.removeIndices(OUT_WEIGHT, 0, idxs);
        editor.removeIndices(OUT_WEIGHT, 1, idxs);
        if (a.getBoolean("bias")) {
            editor.removeIndices(IN_BIAS, 0, qkv);
            editor.removeIndices(OUT_BIAS, 0, idxs);
        }
        editor.setAttribute("embed_dim", (long) e - idxs.size());
        if (left != heads) {
            editor.setAttribute("num_heads", left);
        }
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    @Override
    public long macs(Node node) {
        List<Value> in = node.inputs();
        long tq = in.get(0).shape().get(1);
        long tk = in.get(in.size() == 3 ? 1 : 0).shape().get(1);
        long tv = in.get(in.size() == 3 ? 2 : 0).shape().get(1);
        long e = node.attributes().getLong("embed_dim");
        long heads = node.attributes().getLong("num_heads");
        long macs = tq * e + (tq + tk + tv) * e * e + heads * (2 * tq * tk * (e / heads) + tq * tk)
                + tq * e * (e + 1);
        if (node.hasParameter(IN_BIAS)) {
            macs += (tq + tk + tv) * e;
        }
        return macs * in.get(0).shape().get(0);
    }
}
