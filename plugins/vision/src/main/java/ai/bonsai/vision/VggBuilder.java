package ai.bonsai.vision;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import java.util.List;

/**
 * Torchvision's VGG with batch norm.
 *
 * <p>Nodes are named by their index in torchvision's {@code nn.Sequential}s: each convolution
 * takes three indices of {@code features} (conv2d with bias, batch norm, ReLU) and each stage
 * ends with a max pooling of its own index; then {@code avgpool} (adaptive, 7x7),
 * {@code flatten}, and {@code classifier.0} to {@code classifier.6}: linear, ReLU, dropout,
 * linear, ReLU, dropout, linear.
 *
 * <pre>{@code
 * b.output(VggBuilder.vgg16Bn().apply(b, b.input("input", new Shape(1, 3, 224, 224)), 1000));
 * }</pre>
 *
 * @param stages the convolution stages, each followed by a 2x2 max pooling
 */
public record VggBuilder(List<Stage> stages) implements Architecture {

    private static final int POOLED_SIZE = 7;
    private static final int HIDDEN_LAYERS = 2;
    private static final int HIDDEN_FEATURES = 4096;
    private static final double DROPOUT = 0.5;

    /**
     * Copies the stages.
     *
     * @param stages the convolution stages
     * @throws IllegalArgumentException if there is no stage
     */
    public VggBuilder {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("VGG needs at least one stage");
        }
    }

    /**
     * Returns VGG-16 with batch norm (torchvision's configuration "D").
     *
     * @return the builder
     */
    public static VggBuilder vgg16Bn() {
        return new VggBuilder(List.of(
                new Stage(64, 2), new Stage(128, 2), new Stage(256, 3), new Stage(512, 3),
                new Stage(512, 3)));
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Value apply(GraphBuilder b, Value image, int numClasses) {
        Value x = image;
        int index = 0;
        for (Stage stage : stages) {
            Conv conv = new Conv(stage.width(), 3, 1, 1, true);
            for (int i = 0; i < stage.convolutions(); i++, index += 3) {
                x = conv.withBatchNorm(b, features(index), features(index + 1), x);
                x = b.relu(features(index + 2), x);
            }
            x = b.maxPool2d(features(index++), x, 2, 2, 0);
        }
        x = b.flatten("flatten", b.adaptiveAvgPool2d("avgpool", x, POOLED_SIZE, POOLED_SIZE));
        for (int i = 0; i < 3 * HIDDEN_LAYERS; i += 3) {
            x = b.relu(classifier(i + 1), b.linear(classifier(i), x, HIDDEN_FEATURES));
            x = b.dropout(classifier(i + 2), x, DROPOUT);
        }
        return b.linear(classifier(3 * HIDDEN_LAYERS), x, numClasses);
    }

    private static String features(int index) {
        return "features." + index;
    }

    private static String classifier(int index) {
        return "classifier." + index;
    }

    /**
     * A run of 3x3 convolutions of one width.
     *
     * @param width the output channels of every convolution
     * @param convolutions the number of convolutions
     */
    public record Stage(int width, int convolutions) {

        /**
         * Validates the stage.
         *
         * @param width the output channels of every convolution
         * @param convolutions the number of convolutions
         * @throws IllegalArgumentException unless both are positive
         */
        public Stage {
            if (width < 1 || convolutions < 1) {
                throw new IllegalArgumentException(
                        "a VGG stage needs a positive width and count, found " + width + " x "
                                + convolutions);
            }
        }
    }
}
