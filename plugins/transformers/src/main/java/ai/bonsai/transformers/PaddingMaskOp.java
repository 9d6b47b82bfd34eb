package ai.bonsai.transformers;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code transformers.padding_mask}: turns a Hugging Face {@code attention_mask} [B, T] (1 for a
 * token, 0 for padding; integers or floats) into the additive key mask [B, 1, 1, T] that the
 * {@code attention} op adds to its scores: {@code (1 − mask) · finfo(float32).min}, as BERT's
 * {@code get_extended_attention_mask}. No parameters, no channels, MACs 0.
 */
@Extension
public final class PaddingMaskOp implements OpType {

    /** The registry name. */
    public static final String NAME = "transformers.padding_mask";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        if (in.size() != 1 || in.get(0).dimension() != 2) {
            throw new GraphException("expects one attention_mask [B, T], found " + in);
        }
        return List.of(new Shape(in.get(0).get(0), 1, 1, in.get(0).get(1)));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        NDArray mask = inputs.head();
        Shape s = mask.getShape();
        return new NDList(mask.toType(DataType.FLOAT32, false).neg().add(1).mul(-Float.MAX_VALUE)
                .reshape(s.get(0), 1, 1, s.get(1)));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        return new ChannelSemantics(Coupling.COUPLED, 0, 0, List.of(ChannelSlot.NONE), List.of(ChannelSlot.NONE));
    }
}
