package ai.bonsai.yolo;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelSpec;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pf4j.Extension;

/**
 * The {@code yolo} model adapter: YOLOv8 detection models of every scale, with the checkpoints'
 * names ({@code model.N....}; see {@link YoloV8Builder}).
 *
 * <p>Architectures {@code yolov8n}, {@code yolov8s}, {@code yolov8m}, {@code yolov8l}, {@code
 * yolov8x}, and {@code yolov8} for custom multiples. Options: {@code nc} (classes, default 80),
 * {@code depth_multiple}, {@code width_multiple}, {@code max_channels} (required for {@code
 * yolov8}, overrides for the others). The input must be a square image batch {@code (N, 3, S,
 * S)} with S a multiple of 32; the graph's input is {@code images}.
 *
 * <pre>{@code
 * Graph g = new YoloAdapter().build(new ModelSpec("yolov8n", new Shape(1, 3, 640, 640),
 *         Map.of("nc", "80")), builder);
 * }</pre>
 */
@Extension
public final class YoloAdapter implements ModelAdapter {

    /** The option that sets the number of classes. */
    public static final String NC = "nc";

    /** The option that sets the depth multiple. */
    public static final String DEPTH_MULTIPLE = "depth_multiple";

    /** The option that sets the width multiple. */
    public static final String WIDTH_MULTIPLE = "width_multiple";

    /** The option that caps the channels before the width multiple. */
    public static final String MAX_CHANNELS = "max_channels";

    private static final String FAMILY = "yolov8";
    private static final int DEFAULT_NC = 80;
    private static final int MAX_STRIDE = 32;
    private static final Set<String> OPTIONS = Set.of(NC, DEPTH_MULTIPLE, WIDTH_MULTIPLE, MAX_CHANNELS);

    /** Creates the adapter (PF4J instantiates it). */
    public YoloAdapter() {
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code yolo}
     */
    @Override
    public String name() {
        return "yolo";
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code yolov8} and {@code yolov8n} to {@code yolov8x}, sorted
     */
    @Override
    public Set<String> architectures() {
        Set<String> names = new TreeSet<>();
        names.add(FAMILY);
        for (String s : new String[] {"n", "s", "m", "l", "x"}) {
            names.add(FAMILY + s);
        }
        return names;
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException if the architecture or an option is unknown, a value is not a
     *     positive number, or the input is not {@code (N, 3, S, S)} with S a multiple of 32
     */
    @Override
    public Graph build(ModelSpec spec, GraphBuilder builder) {
        return YoloV8Builder.build(builder, config(spec), spec.inputShape().get(0), Map.of());
    }

    /**
     * Returns the model a spec describes.
     *
     * @param spec the spec
     * @return the config
     * @throws ConfigException as {@link #build}
     */
    public YoloConfig config(ModelSpec spec) {
        String arch = spec.architecture();
        if (!architectures().contains(arch)) {
            throw new ConfigException("model.architecture", "unknown architecture '" + arch
                    + "' for adapter '" + name() + "'; known: " + architectures());
        }
        for (String option : spec.options().keySet()) {
            if (!OPTIONS.contains(option)) {
                throw new ConfigException("model.options." + option, "unknown option for adapter '"
                        + name() + "'; known: " + new TreeSet<>(OPTIONS));
            }
        }
        String scaleName = arch.substring(FAMILY.length());
        YoloScale published = YoloScale.named(scaleName).orElse(null);
        if (published == null && !spec.options().keySet().containsAll(
                Set.of(DEPTH_MULTIPLE, WIDTH_MULTIPLE, MAX_CHANNELS))) {
            throw new ConfigException("model.options", "architecture '" + FAMILY + "' needs "
                    + DEPTH_MULTIPLE + ", " + WIDTH_MULTIPLE + " and " + MAX_CHANNELS);
        }
        YoloScale scale = new YoloScale(
                positive(spec, DEPTH_MULTIPLE, published == null ? 0 : published.depthMultiple()),
                positive(spec, WIDTH_MULTIPLE, published == null ? 0 : published.widthMultiple()),
                atLeastOne(spec, MAX_CHANNELS, published == null ? 0 : published.maxChannels()));
        int nc = atLeastOne(spec, NC, DEFAULT_NC);
        Shape shape = spec.inputShape();
        if (shape.dimension() != 4 || shape.get(1) != 3 || shape.get(2) != shape.get(3)
                || shape.get(2) % MAX_STRIDE != 0) {
            throw new ConfigException("model.inputShape", "must be a square image batch (N, 3, S, S)"
                    + " with S a multiple of " + MAX_STRIDE + ", found " + shape);
        }
        return YoloConfig.of(published == null ? "custom" : scaleName, scale, nc,
                Math.toIntExact(shape.get(2)));
    }

    private static int atLeastOne(ModelSpec spec, String key, int defaultValue) {
        int v = spec.intOption(key, defaultValue);
        if (v < 1) {
            throw new ConfigException("model.options." + key, "must be at least 1, found " + v);
        }
        return v;
    }

    private static double positive(ModelSpec spec, String key, double defaultValue) {
        String v = spec.options().get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d > 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("model.options." + key, "must be a positive number, found '" + v + "'");
    }
}
