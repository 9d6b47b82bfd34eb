package ai.bonsai.vision;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelSpec;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pf4j.Extension;

/**
 * The {@code torchvision} model adapter: builds ResNet-18/34/50, ResNeXt-50 32x4d, VGG-16-BN and
 * MobileNetV2 with torchvision's node and parameter names, so that a torchvision {@code
 * state_dict} maps one to one onto the graph's parameters.
 *
 * <p>Options: {@code num_classes} (default 1000). The input must be a 4-D image batch with three
 * channels; the graph's input is named {@code input}.
 *
 * <pre>{@code
 * Graph g = new TorchvisionAdapter().build(
 *         new ModelSpec("resnet50", new Shape(1, 3, 224, 224), Map.of("num_classes", "10")),
 *         builder);
 * }</pre>
 */
@Extension
public final class TorchvisionAdapter implements ModelAdapter {

    /** The option that sets the classifier's output features. */
    public static final String NUM_CLASSES = "num_classes";

    private static final int DEFAULT_NUM_CLASSES = 1000;
    private static final Map<String, Architecture> ARCHITECTURES = Collections.unmodifiableMap(
            new TreeMap<>(Map.of(
                    "resnet18", ResNetBuilder.resnet18(),
                    "resnet34", ResNetBuilder.resnet34(),
                    "resnet50", ResNetBuilder.resnet50(),
                    "resnext50_32x4d", ResNetBuilder.resnext50(),
                    "vgg16_bn", VggBuilder.vgg16Bn(),
                    "mobilenet_v2", new MobileNetV2Builder())));

    /** Creates the adapter (PF4J instantiates it). */
    public TorchvisionAdapter() {
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code torchvision}
     */
    @Override
    public String name() {
        return "torchvision";
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code mobilenet_v2}, {@code resnet18}, {@code resnet34}, {@code resnet50}, {@code
     *     resnext50_32x4d} and {@code vgg16_bn}, sorted
     */
    @Override
    public Set<String> architectures() {
        return ARCHITECTURES.keySet();
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException if the architecture or an option is unknown, {@code num_classes}
     *     is not a positive integer, or the input is not an {@code (N, 3, H, W)} image batch
     */
    @Override
    public Graph build(ModelSpec spec, GraphBuilder builder) {
        Architecture architecture = ARCHITECTURES.get(spec.architecture());
        if (architecture == null) {
            throw new ConfigException("model.architecture", "unknown architecture '"
                    + spec.architecture() + "' for adapter '" + name() + "'; known: "
                    + ARCHITECTURES.keySet());
        }
        for (String option : spec.options().keySet()) {
            if (!option.equals(NUM_CLASSES)) {
                throw new ConfigException("model.options." + option,
                        "unknown option for adapter '" + name() + "'; known: [" + NUM_CLASSES + "]");
            }
        }
        int numClasses = spec.intOption(NUM_CLASSES, DEFAULT_NUM_CLASSES);
        if (numClasses < 1) {
            throw new ConfigException("model.options." + NUM_CLASSES,
                    "must be at least 1, found " + numClasses);
        }
        Shape shape = spec.inputShape();
        if (shape.dimension() != 4 || shape.get(1) != 3) {
            throw new ConfigException("model.inputShape",
                    "must be an image batch (N, 3, H, W), found " + shape);
        }
        builder.output(architecture.apply(builder, builder.input("input", shape), numClasses));
        return builder.build();
    }
}
