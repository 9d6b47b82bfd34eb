package ai.bonsai.api.op;

import java.util.List;

/**
 * What DepGraph needs to know about a node's channels: whether input and output channels are
 * coupled, the size of each channel space, and each slot's channel dimension and index mapping.
 *
 * @param coupling how inputs and outputs relate
 * @param inChannels the size of the input channel space (equals {@code outChannels} when
 *     coupled), 0 if none
 * @param outChannels the size of the output channel space, 0 if none
 * @param inputs one slot per input
 * @param outputs one slot per output
 */
public record ChannelSemantics(
        Coupling coupling,
        int inChannels,
        int outChannels,
        List<ChannelSlot> inputs,
        List<ChannelSlot> outputs) {

    /**
     * Copies the slot lists.
     */
    public ChannelSemantics {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * Semantics of a node whose input and output channels are separate (conv, linear).
     *
     * @param inDim the input's channel dimension
     * @param inChannels input channels
     * @param outDim the output's channel dimension
     * @param outChannels output channels
     * @return the semantics
     */
    public static ChannelSemantics independent(int inDim, int inChannels, int outDim, int outChannels) {
        return new ChannelSemantics(Coupling.INDEPENDENT, inChannels, outChannels,
                List.of(ChannelSlot.at(inDim)), List.of(ChannelSlot.at(outDim)));
    }

    /**
     * Semantics of a single-input, single-output node that keeps channels one to one.
     *
     * @param dim the channel dimension of input and output
     * @param channels the channel count
     * @return the semantics
     */
    public static ChannelSemantics passThrough(int dim, int channels) {
        return new ChannelSemantics(Coupling.COUPLED, channels, channels,
                List.of(ChannelSlot.at(dim)), List.of(ChannelSlot.at(dim)));
    }

    /**
     * Semantics of a node that blocks channel pruning.
     *
     * @param inputs the number of inputs
     * @param outputs the number of outputs
     * @return the semantics
     */
    public static ChannelSemantics opaque(int inputs, int outputs) {
        return new ChannelSemantics(Coupling.OPAQUE, 0, 0,
                java.util.Collections.nCopies(inputs, ChannelSlot.NONE),
                java.util.Collections.nCopies(outputs, ChannelSlot.NONE));
    }
}
