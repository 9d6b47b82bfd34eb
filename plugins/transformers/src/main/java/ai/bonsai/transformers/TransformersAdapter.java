package ai.bonsai.transformers;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The {@code transformers} model adapter: builds a BERT, ViT or DeiT encoder at a chosen input
 * shape, either from a Hugging Face folder with its weights (option {@code model_dir}) or from a
 * {@code config.json} alone with seeded weights (option {@code config}, for benchmarks of
 * published shapes such as ViT-B/16 or BERT-base).
 *
 * <p>The architecture names the family and must match the config's {@code model_type}. Input
 * shapes: BERT [B, T]; ViT and DeiT [B, C, image_size, image_size].
 *
 * <pre>{@code
 * Graph g = adapter.build(new ModelSpec("bert", new Shape(2, 16), Map.of("model_dir", "tiny_bert")), builder);
 * }</pre>
 */
@Extension
public final class TransformersAdapter implements ModelAdapter {

    /** The option naming a Hugging Face folder (config and weights). */
    public static final String MODEL_DIR = "model_dir";
    /** The option naming a {@code config.json} to build with seeded weights. */
    public static final String CONFIG = "config";

    /** Creates the adapter (PF4J instantiates it). */
    public TransformersAdapter() {
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code transformers}
     */
    @Override
    public String name() {
        return "transformers";
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code bert}, {@code deit} and {@code vit}
     */
    @Override
    public Set<String> architectures() {
        return Set.of("bert", "vit", "deit");
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException if the architecture is unknown, neither or both of {@code model_dir}
     *     and {@code config} are given, an option is unknown, the config's {@code model_type}
     *     differs from the architecture, or the input shape does not fit the model
     * @throws ai.bonsai.api.model.ModelFormatException naming the file if the config or weights
     *     cannot be read
     */
    @Override
    public Graph build(ModelSpec spec, GraphBuilder builder) {
        if (!architectures().contains(spec.architecture())) {
            throw new ConfigException("model.architecture", "unknown architecture '" + spec.architecture()
                    + "' for adapter '" + name() + "'; known: [bert, deit, vit]");
        }
        for (String option : spec.options().keySet()) {
            if (!option.equals(MODEL_DIR) && !option.equals(CONFIG)) {
                throw new ConfigException("model.options." + option, "unknown option for adapter '" + name()
                        + "'; known: [" + CONFIG + ", " + MODEL_DIR + "]");
            }
        }
        String dir = spec.options().get(MODEL_DIR);
        String config = spec.options().get(CONFIG);
        if ((dir == null) == (config == null)) {
            throw new ConfigException("model.options", "give exactly one of '" + MODEL_DIR + "' (a Hugging Face"
                    + " folder) and '" + CONFIG + "' (a config.json, seeded weights)");
        }
        Path folder = dir != null ? Path.of(dir) : Path.of(config).toAbsolutePath().getParent();
        if (config != null && !Files.isRegularFile(Path.of(config))) {
            throw new ConfigException("model.options." + CONFIG, "no file '" + config + "'");
        }
        EncoderConfig encoder = config != null
                ? EncoderFolder.config(folder, Path.of(config).getFileName().toString())
                : EncoderFolder.config(folder);
        if (!encoder.family().modelType().equals(spec.architecture())) {
            throw new ConfigException("model.architecture", "architecture '" + spec.architecture()
                    + "' does not match the config's model_type '" + encoder.family().modelType() + "'");
        }
        return dir != null ? EncoderFolder.load(folder, encoder, spec.inputShape(), builder)
                : EncoderFolder.build(encoder, spec.inputShape(), builder, null);
    }
}
