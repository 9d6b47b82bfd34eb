package ai.bonsai.llm;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code llm.sliding_window_mask}: Mistral's sliding-window attention as an additive mask for the
 * {@code attention} op: query position q sees key position k only when {@code q − k <
 * sliding_window} (the causal part is the attention op's own {@code causal}).
 *
 * <p>Input: the ids [B, T] (only their length is read). Output [1, 1, T, T]: 0 where visible,
 * {@code −Float.MAX_VALUE} where not. Attribute {@code sliding_window}. No parameters, no
 * channels, MACs 0.
 */
@Extension
public final class SlidingWindowMaskOp implements OpType {

    /** The op type name. */
    public static final String NAME = "llm.sliding_window_mask";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        if (in.size() != 1 || in.get(0).dimension() != 2) {
            throw new GraphException("expects ids [B, T], found " + in);
        }
        if (node.attributes().getLong("sliding_window") < 1) {
            throw new GraphException("sliding_window must be at least 1, found "
                    + node.attributes().getLong("sliding_window"));
        }
        long t = in.get(0).get(1);
        return List.of(new Shape(1, 1, t, t));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        int t = Math.toIntExact(inputs.head().getShape().get(1));
        long window = node.attributes().getLong("sliding_window");
        float[] mask = new float[t * t];
        for (int q = 0; q < t; q++) {
            for (int k = 0; k < t; k++) {
                mask[q * t + k] = q - k < window ? 0f : -Float.MAX_VALUE;
            }
        }
        return new NDList(context.manager().create(mask, new Shape(1, 1, t, t)));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return new ChannelSemantics(Coupling.COUPLED, 0, 0, List.of(ChannelSlot.NONE), List.of(ChannelSlot.NONE));
    }
}
