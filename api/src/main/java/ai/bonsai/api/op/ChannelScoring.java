package ai.bonsai.api.op;

import java.util.Optional;

/**
 * How an importance criterion scores the channels one node contributes to a group: which
 * parameter holds them, along which dimension, and in what role. Returned by {@link
 * OpType#scoring}, so a plugin's op type is scored exactly like a built-in one.
 *
 * <p>Criteria pick members by {@link Kind} (Torch-Pruning's conventions: batch-norm scales are
 * scored by magnitude and BN-scale but not by Taylor, for example).
 *
 * @param kind the role of the scored parameter
 * @param weight the local name of the scored parameter ({@code weight})
 * @param bias the local name of a bias scored with it (output channels only), if any
 * @param channelDim the parameter dimension that indexes the channels
 */
public record ChannelScoring(Kind kind, String weight, Optional<String> bias, int channelDim) {

    /** The role of a scored parameter. */
    public enum Kind {
        /** Output channels of a layer: rows (or the channel slice) of its weight, and its bias. */
        OUT,
        /** Input channels of a layer: columns (or the channel slice) of its weight. */
        IN,
        /** The affine scale of a batch norm. */
        BATCH_NORM,
        /** The affine scale of a layer norm or an RMS norm. */
        LAYER_NORM,
        /** The affine scale of another norm (group norm, instance norm). */
        OTHER_NORM,
        /** A depthwise convolution, whose in and out channels are one. */
        DEPTHWISE
    }

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if the dimension is negative
     */
    public ChannelScoring {
        if (channelDim < 0) {
            throw new IllegalArgumentException("channel dimension must be >= 0, found "
                    + channelDim);
        }
    }

    /**
     * Output channels along a dimension of {@code weight}, with an optional bias.
     *
     * @param channelDim the dimension (0 for conv and linear rows)
     * @param bias the bias's local name, if the node has one
     * @return the scoring
     */
    public static ChannelScoring outChannels(int channelDim, Optional<String> bias) {
        return new ChannelScoring(Kind.OUT, "weight", bias, channelDim);
    }

    /**
     * Input channels along a dimension of {@code weight}.
     *
     * @param channelDim the dimension (1 for conv and linear columns)
     * @return the scoring
     */
    public static ChannelScoring inChannels(int channelDim) {
        return new ChannelScoring(Kind.IN, "weight", Optional.empty(), channelDim);
    }

    /**
     * The affine scale {@code weight} (and {@code bias}) of a norm, one entry per channel.
     *
     * @param kind {@link Kind#BATCH_NORM}, {@link Kind#LAYER_NORM} or {@link Kind#OTHER_NORM}
     * @param bias the bias's local name, if the node has one
     * @return the scoring
     */
    public static ChannelScoring normScale(Kind kind, Optional<String> bias) {
        return new ChannelScoring(kind, "weight", bias, 0);
    }
}
