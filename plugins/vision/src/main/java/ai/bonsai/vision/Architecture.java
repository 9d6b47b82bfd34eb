package ai.bonsai.vision;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;

/**
 * One torchvision network: adds its nodes, from the image input to the logits, to a builder.
 *
 * <pre>{@code
 * Value image = b.input("input", new Shape(1, 3, 224, 224));
 * b.output(ResNetBuilder.resnet18().apply(b, image, 1000));
 * Graph g = b.build();
 * }</pre>
 */
@FunctionalInterface
public interface Architecture {

    /**
     * Adds the network's nodes.
     *
     * @param builder the builder to add nodes to
     * @param image the NCHW image input, three channels
     * @param numClasses the classifier's output features
     * @return the logits, shaped {@code (N, numClasses)}
     */
    Value apply(GraphBuilder builder, Value image, int numClasses);
}
