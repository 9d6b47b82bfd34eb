package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.NodeEditor;
import java.util.Collections;
import java.util.List;
import java.util.function.IntUnaryOperator;

/** Channel semantics shared by the built-in op types. */
final class Channels {

    private Channels() {
    }

    /**
     * Semantics of a node none of whose slots carries channels (its inputs have no channel
     * dimension): nothing to couple, nothing to block.
     *
     * @param inputs the number of inputs
     * @param outputs the number of outputs
     * @return the semantics
     */
    static ChannelSemantics none(int inputs, int outputs) {
        return new ChannelSemantics(Coupling.COUPLED, 0, 0,
                Collections.nCopies(inputs, ChannelSlot.NONE),
                Collections.nCopies(outputs, ChannelSlot.NONE));
    }

    /**
     * Semantics of a single-input node that keeps its input's channel dimension one to one
     * (activations, dropout, identity); none if the input has no channel dimension.
     *
     * @param node the node
     * @return the semantics
     */
    static ChannelSemantics alongInput(Node node) {
        Value x = node.input();
        int dim = x.channelDim();
        if (dim < 0) {
            return none(1, 1);
        }
        return ChannelSemantics.passThrough(dim, Math.toIntExact(x.shape().get(dim)));
    }

    /**
     * Semantics of a node that keeps its single input's channels one to one but moves their
     * dimension (permute, transpose, reshape, unbind along another dimension); none if the input
     * has no channel dimension.
     *
     * @param node the node
     * @param outputs the number of outputs, each carrying the channels at the same dimension
     * @param where gives the output channel dimension from the input's
     * @return the semantics
     */
    static ChannelSemantics moved(Node node, int outputs, IntUnaryOperator where) {
        Value x = node.input();
        int dim = x.channelDim();
        if (dim < 0) {
            return none(1, outputs);
        }
        int channels = Math.toIntExact(x.shape().get(dim));
        return new ChannelSemantics(Coupling.COUPLED, channels, channels,
                List.of(ChannelSlot.at(dim)),
                Collections.nCopies(outputs, ChannelSlot.at(where.applyAsInt(dim))));
    }

    /**
     * Shortens one entry of a node's {@code shape} attribute (a reshape or expand target) by the
     * number of removed channels; entries of -1 are inferred and stay.
     *
     * @param editor the node's editor
     * @param dim the entry, or -1 for none
     * @param removed the number of removed channels
     */
    static void shortenShapeEntry(NodeEditor editor, int dim, int removed) {
        long[] shape = editor.node().attributes().getLongs("shape");
        if (dim >= 0 && shape[dim] != -1) {
            shape[dim] -= removed;
            editor.setAttribute("shape", shape);
        }
    }
}
