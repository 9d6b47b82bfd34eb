package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;

/**
 * A small ResNet for 1×28×28 images, built with the graph builder: a 3×3 stem, three stages of
 * basic blocks (3×3 conv, batch norm, ReLU, 3×3 conv, batch norm, residual add, ReLU) at 28×28,
 * 14×14 and 7×7, global average pooling and a linear classifier. Node names follow torchvision's
 * ResNet ({@code layer2.0.conv1}, {@code layer2.0.downsample.0}, {@code fc}).
 *
 * @param widths the channels of the three stages
 * @param blocksPerStage the basic blocks in each stage
 * @param classes the number of classes
 */
public record SmallResNet(int[] widths, int blocksPerStage, int classes) {

    /** The input shape of one image. */
    public static final Shape INPUT = new Shape(1, 1, 28, 28);

    /**
     * Returns the network used by the Fashion-MNIST experiment: widths 16, 32, 64, one block per
     * stage, ten classes.
     *
     * @return the architecture
     */
    public static SmallResNet fashionMnist() {
        return new SmallResNet(new int[] {16, 32, 64}, 1, 10);
    }

    /**
     * Describes the architecture in words, for reports.
     *
     * @return for example "widths 16/32/64, 1 basic block per stage, 1×28×28 input, 10 classes"
     */
    public String description() {
        StringBuilder w = new StringBuilder();
        for (int width : widths) {
            w.append(w.length() == 0 ? "" : "/").append(width);
        }
        return "widths " + w + ", " + blocksPerStage + " basic block" + (blocksPerStage == 1 ? "" : "s")
                + " per stage, 1×28×28 input, " + classes + " classes";
    }

    /**
     * Builds the graph with the builder's seeded initial weights.
     *
     * @param b a fresh builder
     * @return the graph
     */
    public Graph build(GraphBuilder b) {
        Value x = b.input("input", INPUT);
        Value h = b.relu("relu", b.batchNorm("bn1", b.conv2d("conv1", x, widths[0], 3, 1, 1)));
        int channels = widths[0];
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < blocksPerStage; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                h = basicBlock(b, "layer" + (stage + 1) + "." + block, h, channels,
                        widths[stage], stride);
                channels = widths[stage];
            }
        }
        Value pooled = b.flatten("flatten", b.adaptiveAvgPool2d("avgpool", h, 1, 1));
        b.output(b.linear("fc", pooled, classes));
        return b.build();
    }

    private static Value basicBlock(GraphBuilder b, String name, Value x, int in, int out,
            int stride) {
        Value h = b.relu(name + ".relu",
                b.batchNorm(name + ".bn1", b.conv2d(name + ".conv1", x, out, 3, stride, 1)));
        h = b.batchNorm(name + ".bn2", b.conv2d(name + ".conv2", h, out, 3, 1, 1));
        Value shortcut = x;
        if (stride != 1 || in != out) {
            shortcut = b.batchNorm(name + ".downsample.1",
                    b.conv2d(name + ".downsample.0", x, out, 1, stride, 0));
        }
        return b.relu(name + ".relu_1", b.add(name + ".add", h, shortcut));
    }
}
