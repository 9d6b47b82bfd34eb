package ai.bonsai.yolo;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code yolo.dfl}: YOLOv8's distribution focal loss decoding. The input {@code (N, 4 * reg_max,
 * A)} holds, per anchor, {@code reg_max} logits for each of the four box sides; the output
 * {@code (N, 4, A)} is each side's expected distance in grid cells: the softmax over its bins
 * weighted by the parameter {@code conv.weight} ({@code (1, reg_max, 1, 1)}, fixed to 0, 1, ...,
 * reg_max - 1 in every checkpoint; the node is named {@code model.22.dfl} so that the parameter
 * is {@code model.22.dfl.conv.weight}, as in the state dict).
 *
 * <p>Attribute: {@code reg_max}. Channels: opaque, so that no group ever reaches the DFL or the
 * box convolutions that feed it. MACs: those of the 1x1 convolution it replaces, {@code N * 4 *
 * reg_max * A}.
 */
@Extension
public final class DflOp implements OpType {

    /** The op type's name. */
    public static final String NAME = "yolo.dfl";

    /** The local name of the bin weights. */
    public static final String WEIGHT = "conv.weight";

    /** Creates the op type (PF4J instantiates it). */
    public DflOp() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code conv.weight}, trainable as in PyTorch's parameter count (Ultralytics freezes it);
     * builders supply its fixed value.
     */
    @Override
    public List<ParameterSpec> parameters(Attributes attributes, List<Shape> inputShapes) {
        return List.of(ParameterSpec.weight(WEIGHT, new Shape(1, attributes.getLong("reg_max"), 1, 1),
                ParameterSpec.Init.ZEROS));
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        long bins = node.attributes().getLong("reg_max");
        if (in.size() != 1 || in.get(0).dimension() != 3 || in.get(0).get(1) != 4 * bins) {
            throw new GraphException("expects one input (N, " + 4 * bins + ", A), found " + in);
        }
        Shape w = node.parameter(WEIGHT).shape();
        if (!w.equals(new Shape(1, bins, 1, 1))) {
            throw new GraphException("parameter '" + WEIGHT + "' must be (1, " + bins
                    + ", 1, 1), found " + w);
        }
        Shape x = in.get(0);
        return List.of(new Shape(x.get(0), 4, x.get(2)));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray x = inputs.head();
        long n = x.getShape().get(0);
        long anchors = x.getShape().get(2);
        long bins = node.attributes().getLong("reg_max");
        NDArray probabilities = x.reshape(n, 4, bins, anchors).softmax(2);
        NDArray weights = node.parameter(WEIGHT).array().reshape(1, 1, bins, 1);
        return new NDList(probabilities.mul(weights).sum(new int[] {2}));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return ChannelSemantics.opaque(1, 1);
    }

    @Override
    public long macs(Node node) {
        return node.input().shape().size();
    }
}
