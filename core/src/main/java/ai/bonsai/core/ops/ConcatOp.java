package ai.bonsai.core.ops;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code concat}: joins its inputs along attribute {@code dim} (negative counting from the end),
 * as {@code torch.cat}.
 *
 * <p>Channels, when every input has the same channel dimension: along {@code dim}, the output's
 * channels are the inputs' one after the other (input k occupies {@code [offset_k, offset_k +
 * size_k)} of the coupled space); along another dimension, every input shares the output's
 * channels one to one. Inputs that disagree on their channel dimension block channel pruning.
 * MACs: 0.
 */
@Extension
public final class ConcatOp implements OpType {

    @Override
    public String name() {
        return "concat";
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        if (in.isEmpty()) {
            throw new GraphException("expects at least 1 input, found 0");
        }
        Shape first = in.get(0);
        int dim = Shapes.normalizeDim(node.attributes().getLong("dim"), first.dimension(), "dim");
        long[] out = first.getShape().clone();
        for (int k = 1; k < in.size(); k++) {
            Shape s = in.get(k);
            boolean compatible = s.dimension() == first.dimension();
            for (int d = 0; compatible && d < s.dimension(); d++) {
                compatible = d == dim || s.get(d) == first.get(d);
            }
            if (!compatible) {
                throw new GraphException("input " + k + " '" + node.inputs().get(k).name() + "' "
                        + s + " does not match input 0 '" + node.inputs().get(0).name() + "' "
                        + first + " outside dim " + dim);
            }
            out[dim] += s.get(dim);
        }
        return List.of(new Shape(out));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        int dim = Shapes.normalizeDim(node.attributes().getLong("dim"),
                inputs.head().getShape().dimension(), "dim");
        return new NDList(NDArrays.concat(inputs, dim));
    }

    @Override
    public ChannelSemantics channels(Node node) {
        List<Value> in = node.inputs();
        int c = in.get(0).channelDim();
        for (Value v : in) {
            if (v.channelDim() != c) {
                return ChannelSemantics.opaque(in.size(), 1);
            }
        }
        if (c < 0) {
            return Channels.none(in.size(), 1);
        }
        Shape out = node.output().shape();
        int channels = Math.toIntExact(out.get(c));
        int dim = Shapes.normalizeDim(node.attributes().getLong("dim"), out.dimension(), "dim");
        List<ChannelSlot> slots;
        if (c == dim) {
            slots = new ArrayList<>();
            int offset = 0;
            for (Value v : in) {
                int size = Math.toIntExact(v.shape().get(c));
                slots.add(new ChannelSlot(c, new IndexMapping.Offset(offset, size)));
                offset += size;
            }
        } else {
            slots = Collections.nCopies(in.size(), ChannelSlot.at(c));
        }
        return new ChannelSemantics(Coupling.COUPLED, channels, channels, slots,
                List.of(ChannelSlot.at(c)));
    }
}
