package ai.bonsai.llm;

import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.ForwardContext;
import ai.bonsai.api.op.OpType;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code llm.embedding}: looks token ids up in an embedding table that is an input of the node
 * (a {@code parameter} node), so that the same table can also be a tied {@code lm_head}.
 *
 * <p>Inputs: ids [B, T] (integers; floats are truncated) and the table [V, H]; output [B, T, H].
 * No parameters. Channels: one coupled space of H channels, the table's dimension 1 and the
 * output's last dimension; the ids carry none. Pruning changes nothing here (the table's own node
 * removes its columns). MACs: 0.
 */
@Extension
public final class EmbeddingLookupOp implements OpType {

    /** The op type name. */
    public static final String NAME = "llm.embedding";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Shape> inferShapes(Node node, List<Shape> in) {
        if (in.size() != 2 || in.get(1).dimension() != 2) {
            throw new GraphException("expects ids and a [vocab, hidden] table, found " + in);
        }
        return List.of(in.get(0).addAll(new Shape(in.get(1).get(1))));
    }

    @Override
    public NDList forward(Node node, NDList inputs, ForwardContext context) {
        return Embedding.embedding(inputs.get(0).toType(DataType.INT64, false), inputs.get(1),
                SparseFormat.DENSE);
    }

    @Override
    public ChannelSemantics channels(Node node) {
        int hidden = Math.toIntExact(node.inputs().get(1).shape().get(1));
        return new ChannelSemantics(Coupling.COUPLED, hidden, hidden,
                List.of(ChannelSlot.NONE, ChannelSlot.at(1)),
                List.of(ChannelSlot.at(node.output().shape().dimension() - 1)));
    }
}
