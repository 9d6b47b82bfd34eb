package ai.bonsai.vision;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;

/**
 * A square 2-D convolution with torchvision's "same" padding, {@code (kernel - 1) / 2}, and
 * dilation 1: the only kind these families use.
 *
 * @param outChannels output channels
 * @param kernel kernel size
 * @param stride stride
 * @param groups groups (the input channels for a depthwise convolution)
 * @param bias whether the convolution has a bias
 */
record Conv(int outChannels, int kernel, int stride, int groups, boolean bias) {

    /**
     * A dense convolution without bias, as torchvision puts before a batch norm.
     *
     * @param outChannels output channels
     * @param kernel kernel size
     * @param stride stride
     * @return the convolution
     */
    static Conv of(int outChannels, int kernel, int stride) {
        return new Conv(outChannels, kernel, stride, 1, false);
    }

    /**
     * Adds the convolution.
     *
     * @param b the builder
     * @param name the node name
     * @param x the input
     * @return the output
     */
    Value apply(GraphBuilder b, String name, Value x) {
        return b.conv2d(name, x, outChannels, kernel, stride, (kernel - 1) / 2, 1, groups, bias);
    }

    /**
     * Adds the convolution followed by a batch norm.
     *
     * @param b the builder
     * @param convName the convolution's node name
     * @param bnName the batch norm's node name
     * @param x the input
     * @return the batch norm's output
     */
    Value withBatchNorm(GraphBuilder b, String convName, String bnName, Value x) {
        return b.batchNorm(bnName, apply(b, convName, x));
    }

    /**
     * Returns the channel count of an NCHW value.
     *
     * @param x the value
     * @return its dimension 1
     */
    static int channels(Value x) {
        return Math.toIntExact(x.shape().get(1));
    }
}
