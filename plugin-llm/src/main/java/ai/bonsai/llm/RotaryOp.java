package ai.bonsai.llm;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code llm.rotary}: rotary position embeddings on every head of a [B, T, num_heads × head_dim]
 * tensor, positions 0 … T−1, with Hugging Face's {@code rotate_half} convention: the first and
 * second halves of each head pair up, {@code y = x cos + rotate_half(x) sin} with {@code
 * rotate_half(x) = [−x₂, x₁]}, so dimensions m and m + head_dim/2 rotate together by the angle
 * {@code position × inv_freq[pair m]}.
 *
 * <p>Attributes: {@code num_heads}, {@code head_dim}, the {@link RopeScaling} fields ({@code
 * rope_theta}, {@code rope_type}, …) and, after head-dimension pruning, the {@link RopePairs}:
 * {@value RopePairs#PAIRS} (the kept pair indices, ascending) and {@value
 * RopePairs#BASE_HEAD_DIM} (the head size the frequencies are computed for). Absent, every pair of
 * {@code head_dim} is kept. Pair m of the node rotates with the original frequency {@code
 * inv_freq[rope_pairs[m]]} of {@code rope_head_dim}, not with the formula for the smaller
 * head_dim, so that a pruned head computes what the original head computes with the removed
 * pairs zeroed. Every head keeps the same pairs: Qwen3's per-head norm has one weight for all
 * heads, the {@code attention} op and Hugging Face's config need one head size, and under
 * grouped-query attention a key/value head's dimensions are already shared with its whole query
 * group (the {@code attention} op's head-repeat mapping), so per-head pairs could at most differ
 * between key/value groups, for no head size saved.
 *
 * <p>No parameters. Channels: coupled pass-through along the last dimension. Pruning removes
 * whole heads (lowering {@code num_heads}) or whole pairs, the same in every head: positions m
 * and m + head_dim/2 of every head together, lowering {@code head_dim} and dropping the pairs
 * from {@value RopePairs#PAIRS}. Any other selection (position m without its partner, or
 * different positions in different heads) is refused naming the node. MACs: 0 (element-wise, not
 * counted, as Torch-Pruning's counter).
 */
@Extension
public final class RotaryOp implements OpType {

    /** The op type name. */
    public static final String NAME = "llm.rotary";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = RmsNormOp.single(in);
        Attributes a = node.attributes();
        long heads = a.getLong("num_heads");
        long dim = a.getLong("head_dim");
        if (x.dimension() != 3 || x.get(2) != heads * dim) {
            throw new GraphException("input " + x + " is not [B, T, num_heads " + heads
                    + " x head_dim " + dim + "]");
        }
        if (dim % 2 != 0) {
            throw new GraphException("head_dim " + dim + " must be even");
        }
        RopeScaling.from(a);
        RopePairs.from(a);
        return List.of(x);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        Shape s = x.getShape();
        Attributes a = node.attributes();
        int heads = a.getInt("num_heads");
        int dim = a.getInt("head_dim");
        NDArray h = x.reshape(s.get(0), s.get(1), heads, dim);
        NDArray[] angles = angles(context.manager(), RopePairs.from(a).inverseFrequencies(RopeScaling.from(a)),
                s.get(1), dim);
        NDArray x1 = h.get(new NDIndex("..., :{}", dim / 2));
        NDArray x2 = h.get(new NDIndex("..., {}:", dim / 2));
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        NDArray y = h.mul(angles[0]).add(rotated.mul(angles[1]));
        return new NDList(y.reshape(s));
    }

    /** Returns cos and sin of the angles, [T, 1, head_dim], float32. */
    private static NDArray[] angles(NDManager manager, double[] inv, long length, int dim) {
        float[] cos = new float[Math.toIntExact(length * dim)];
        float[] sin = new float[cos.length];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < dim; i++) {
                float angle = (float) t * (float) inv[i % (dim / 2)];
                cos[t * dim + i] = (float) Math.cos(angle);
                sin[t * dim + i] = (float) Math.sin(angle);
            }
        }
        Shape shape = new Shape(length, 1, dim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.input().shape();
        return ChannelSemantics.passThrough(2, Math.toIntExact(x.get(2)));
    }

    /**
     * {@inheritDoc}
     *
     * @throws PruningException naming the node unless whole heads or whole rotary pairs (the same
     *     in every head) are removed
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        Attributes a = node.attributes();
        int dim = a.getInt("head_dim");
        HeadCut cut = HeadCut.of(node, idxs, a.getInt("num_heads"), dim);
        if (cut.positions().isEmpty()) {
            editor.setAttribute("num_heads", a.getLong("num_heads") - cut.heads().size());
            return;
        }
        int half = dim / 2;
        int[] unpaired = cut.positions().stream().filter(i -> !cut.positions().contains((i + half) % dim)).toArray();
        if (unpaired.length > 0) {
            throw new PruningException("node '" + node.name() + "' (" + NAME + ") can only lose whole"
                    + " heads or whole rotary pairs (positions i and i + " + half + " of every head together):"
                    + " removing positions " + cut.positions() + " separates " + Arrays.toString(unpaired)
                    + " from their partners, which rotate with them");
        }
        int[] pairs = cut.positions().stream().filter(i -> i < half).toArray();
        RopePairs left = RopePairs.from(a).without(pairs);
        editor.setAttribute("head_dim", (long) left.headDim());
        editor.setAttribute(RopePairs.BASE_HEAD_DIM, (long) left.baseHeadDim());
        editor.setAttribute(RopePairs.PAIRS, left.pairIndices());
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }
}
