package ai.bonsai.llm;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code llm.head_rms_norm}: Qwen3's per-head RMSNorm of queries and keys ({@code q_norm},
 * {@code k_norm}): the last dimension holds {@code num_heads × head_dim} features and each head
 * is normalized on its own with one shared {@code weight} [head_dim].
 *
 * <p>Attributes {@code num_heads}, {@code head_dim}, {@code eps}. Channels: coupled pass-through
 * along the last dimension. Pruning whole heads lowers {@code num_heads} and leaves the weight;
 * pruning the same positions in every head lowers {@code head_dim} and removes those weight
 * entries; any other selection is refused. MACs: 2 × input elements.
 */
@Extension
public final class HeadRmsNormOp implements OpType {

    /** The op type name. */
    public static final String NAME = "llm.head_rms_norm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        RmsNormOp.single(in);
        return List.of(ParameterSpec.weight("weight", new Shape(a.getLong("head_dim")),
                ParameterSpec.Init.ONES));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = RmsNormOp.single(in);
        Attributes a = node.attributes();
        long heads = a.getLong("num_heads");
        long dim = a.getLong("head_dim");
        if (x.get(x.dimension() - 1) != heads * dim) {
            throw new GraphException("input " + x + " does not end in num_heads " + heads
                    + " x head_dim " + dim);
        }
        Shape w = node.parameter("weight").shape();
        if (w.dimension() != 1 || w.get(0) != dim) {
            throw new GraphException("weight " + w + " does not match head_dim " + dim);
        }
        return List.of(x);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        Shape s = x.getShape();
        long heads = node.attributes().getLong("num_heads");
        long[] perHead = s.slice(0, s.dimension() - 1).addAll(new Shape(heads, -1)).getShape();
        NDArray y = RmsNormOp.normalize(x.reshape(perHead), node.attributes().getDouble("eps"), context)
                .mul(node.parameter("weight").array());
        return new NDList(y.reshape(s));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.input().shape();
        return ChannelSemantics.passThrough(x.dimension() - 1, Math.toIntExact(x.get(x.dimension() - 1)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Attributes a = editor.node().attributes();
        HeadCut cut = HeadCut.of(editor.node(), idxs, a.getInt("num_heads"), a.getInt("head_dim"));
        if (cut.positions().isEmpty()) {
            editor.setAttribute("num_heads", a.getLong("num_heads") - cut.heads().size());
        } else {
            editor.removeIndices("weight", 0, cut.positions());
            editor.setAttribute("head_dim", a.getLong("head_dim") - cut.positions().size());
        }
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    @Override
    public long macs(Node node) {
        return 2 * node.input().shape().size();
    }
}
