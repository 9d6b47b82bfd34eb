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
import ai.djl.nn.core.Linear;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code llm.tied_lm_head}: the output projection of a model with {@code tie_word_embeddings}:
 * {@code x · tableᵀ} with the token embedding table as second input.
 *
 * <p>Inputs: x [..., H] and the table [V, H]; output [..., V]. No parameters. Channels: x's last
 * dimension and the table's dimension 1 are one coupled space of H channels; the logits carry
 * none. Pruning changes nothing here. MACs: x elements × V, as a linear layer without bias.
 */
@Extension
public final class TiedLmHeadOp implements OpType {

    /** The op type name. */
    public static final String NAME = "llm.tied_lm_head";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        if (in.size() != 2 || in.get(1).dimension() != 2
                || in.get(0).get(in.get(0).dimension() - 1) != in.get(1).get(1)) {
            throw new GraphException("expects x [..., H] and a [vocab, H] table, found " + in);
        }
        Shape x = in.get(0);
        return List.of(x.slice(0, x.dimension() - 1).addAll(new Shape(in.get(1).get(0))));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        return Linear.linear(inputs.get(0), inputs.get(1), null);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        Shape x = node.inputs().get(0).shape();
        int hidden = Math.toIntExact(x.get(x.dimension() - 1));
        return new ChannelSemantics(Coupling.COUPLED, hidden, hidden,
                List.of(ChannelSlot.at(x.dimension() - 1), ChannelSlot.at(1)),
                List.of(ChannelSlot.NONE));
    }

    @Override
    public long macs(Node node) {
        return node.inputs().get(0).shape().size() * node.inputs().get(1).shape().get(0);
    }
}
