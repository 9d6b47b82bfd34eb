package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelScoring;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.NodeEditor;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Layer normalization over the last dimensions of the input, as PyTorch's {@code nn.LayerNorm}.
 *
 * <p>Attributes: {@code normalized_shape} (the sizes of the last dimensions normalized over),
 * {@code eps}, {@code elementwise_affine}. Parameters, named as in a PyTorch state_dict: {@code
 * weight} (ones) and {@code bias} (zeros) of shape {@code normalized_shape} when affine. Forward:
 * {@code (x - mean) / sqrt(var + eps)} with the biased variance over the normalized dimensions,
 * then scaled and shifted when affine.
 *
 * <p>Channels: coupled pass-through along the last dimension when it alone is normalized and it
 * is the input's channel dimension; otherwise opaque (none if the input has no channels). MACs: 2
 * x input elements when affine, else input elements.
 */
@Extension
public final class LayerNormOp implements OpType {

    @Override
    public String name() {
        return "layer_norm";
    }

    @Override
    public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
        Shapes.requireInputs(in, 1);
        return Norms.affine(a.getBoolean("elementwise_affine"), new Shape(a.getLongs("normalized_shape")));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        Shape x = Shapes.requireInputs(in, 1).get(0);
        long[] normalized = node.attributes().getLongs("normalized_shape");
        int rank = x.dimension();
        boolean fits = normalized.length >= 1 && normalized.length <= rank;
        for (int i = 0; fits && i < normalized.length; i++) {
            fits = x.get(rank - normalized.length + i) == normalized[i];
        }
        if (!fits) {
            throw new GraphException("normalized_shape " + Arrays.toString(normalized)
                    + " does not match the last dimensions of input " + x);
        }
        for (String p : new String[] {"weight", "bias"}) {
            if (node.hasParameter(p)
                    && !Arrays.equals(node.parameter(p).shape().getShape(), normalized)) {
                throw new GraphException(p + " " + node.parameter(p).shape()
                        + " does not match normalized_shape " + Arrays.toString(normalized));
            }
        }
        return List.of(x);
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        long[] shape = x.getShape().getShape();
        int lead = shape.length - node.attributes().getLongs("normalized_shape").length;
        long[] rows = Arrays.copyOf(shape, lead + 1);
        rows[lead] = -1;
        long[] stats = shape.clone();
        Arrays.fill(stats, lead, stats.length, 1);
        NDArray centered = x.sub(rowMean(x, rows, stats));
        NDArray variance = rowMean(centered.square(), rows, stats);
        NDArray eps = context.scalar(node.attributes().getDouble("eps"), variance);
        NDArray y = centered.div(variance.add(eps).sqrt());
        if (node.hasParameter("weight")) {
            y = y.mul(node.parameter("weight").array()).add(node.parameter("bias").array());
        }
        return new NDList(y);
    }

    /**
     * Mean over the normalized dimensions, kept as size-1 dimensions (PyTorch's engine in DJL
     * reduces one axis at a time, so they are flattened into one first).
     */
    private static NDArray rowMean(NDArray x, long[] rows, long[] stats) {
        return x.reshape(rows).mean(new int[] {rows.length - 1}, true).reshape(stats);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int c = node.input().channelDim();
        if (c < 0) {
            return Channels.none(1, 1);
        }
        Shape x = node.input().shape();
        int last = x.dimension() - 1;
        if (c != last || node.attributes().getLongs("normalized_shape").length != 1) {
            return ChannelSemantics.opaque(1, 1);
        }
        return ChannelSemantics.passThrough(last, Math.toIntExact(x.get(last)));
    }

    @Override
    public void pruneOut(NodeEditor editor, IndexSet idxs) {
        Node node = editor.node();
        for (String p : new String[] {"weight", "bias"}) {
            if (node.hasParameter(p)) {
                editor.removeIndices(p, 0, idxs);
            }
        }
        long[] normalized = node.attributes().getLongs("normalized_shape");
        editor.setAttribute("normalized_shape", new long[] {normalized[0] - idxs.size()});
    }

    @Override
    public void pruneIn(NodeEditor editor, IndexSet idxs) {
        pruneOut(editor, idxs);
    }

    @Override
    public long macs(Node node) {
        return Norms.macs(node);
    }

    /** The affine scale, when the norm has one. */
    @Override
    public Optional<ChannelScoring> scoring(Node node, PruningHandle handle) {
        return Norms.scoring(node, handle, ChannelScoring.Kind.LAYER_NORM);
    }
}
