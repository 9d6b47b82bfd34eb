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
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code llm.rotary}: rotary position embeddings on every head of a [B, T, num_heads × head_dim]
 * tensor, positions 0 … T−1, with Hugging Face's {@code rotate_half} convention: the first and
 * second halves of each head pair up, {@code y = x cos + rotate_half(x) sin} with {@code
 * rotate_half(x) = [−x₂, x₁]}, angles {@code position × inv_freq[i mod head_dim/2]}.
 *
 * <p>Attributes: {@code num_heads}, {@code head_dim} and the {@link RopeScaling} fields ({@code
 * rope_theta}, {@code rope_type}, …). No parameters. Channels: coupled pass-through along the last
 * dimension; only whole heads can be pruned (lowering {@code num_heads}): removing positions
 * inside heads would change which dimensions pair up and their frequencies. MACs: 0 (element-wise,
 * not counted, as Torch-Pruning's counter).
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
        NDArray[] angles = angles(context.manager(), RopeScaling.from(a), s.get(1), dim);
        NDArray x1 = h.get(new NDIndex("..., :{}", dim / 2));
        NDArray x2 = h.get(new NDIndex("..., {}:", dim / 2));
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        NDArray y = h.mul(angles[0]).add(rotated.mul(angles[1]));
        return new NDList(y.reshape(s));
    }

    /** Returns cos and sin of the angles, [T, 1, head_dim], float32. */
    private static NDArray[] angles(NDManager manager, RopeScaling rope, long length, int dim) {
        double[] inv = rope.inverseFrequencies(dim);
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
     * @throws PruningException naming the node unless whole heads are removed
     */
    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Attributes a = editor.node().attributes();
        HeadCut cut = HeadCut.of(editor.node(), idxs, a.getInt("num_heads"), a.getInt("head_dim"));
        if (!cut.positions().isEmpty()) {
            throw new PruningException("node '" + editor.node().name() + "' (" + NAME
                    + ") can only lose whole heads: removing positions " + cut.positions()
                    + " inside every head would break the rotate_half pairs and frequencies");
        }
        editor.setAttribute("num_heads", a.getLong("num_heads") - cut.heads().size());
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }
}
