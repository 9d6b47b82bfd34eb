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
 * {@code llm.rms_norm}: root-mean-square normalization over the last dimension, {@code weight *
 * x / sqrt(mean(x²) + eps)}, as Llama's {@code LlamaRMSNorm}.
 *
 * <p>Attribute {@code eps}; parameter {@code weight} [C] (ones). Channels: coupled pass-through
 * along the last dimension; pruning removes weight entries (the mean then runs over the channels
 * left). MACs: 2 × input elements, as an affine norm.
 */
@Extension
public final class RmsNormOp implements OpType {

    /** The op type name. */
    public static final String NAME = "llm.rms_norm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shape x = single(in);
        return List.of(ParameterSpec.weight("weight", new Shape(x.get(x.dimension() - 1)),
                ParameterSpec.Init.ONES));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = single(in);
        Shape w = node.parameter("weight").shape();
        if (w.dimension() != 1 || w.get(0) != x.get(x.dimension() - 1)) {
            throw new GraphException("weight " + w + " does not match the last dimension of input " + x);
        }
        return List.of(x);
    }

    static Shape single(List<Shape> in) {
        if (in.size() != 1 || in.get(0).dimension() < 1) {
            throw new GraphException("expects one input of rank >= 1, found " + in);
        }
        return in.get(0);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        return new NDList(normalize(inputs.head(), node.attributes().getDouble("eps"), context)
                .mul(node.parameter("weight").array()));
    }

    /**
     * Divides by the root mean square over the last dimension.
     *
     * @param x the input
     * @param eps added to the mean square
     * @param context the pass that owns the constant
     * @return {@code x / sqrt(mean(x²) + eps)}
     */
    static NDArray normalize(NDArray x, double eps, ForwardContext context) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.div(meanSquare.add(context.scalar(eps, meanSquare)).sqrt());
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.input().shape();
        return ChannelSemantics.passThrough(x.dimension() - 1, Math.toIntExact(x.get(x.dimension() - 1)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        editor.removeIndices("weight", 0, idxs);
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
