package ai.bonsai.llm;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelSpec;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.pf4j.Extension;

/**
 * {@code hf-decoder}: builds decoder-only models (architectures {@code llama}, {@code mistral},
 * {@code qwen2}, {@code qwen3}) from a Hugging Face folder.
 *
 * <p>Options: {@code path}, the folder (required); {@code weights}, {@code false} to build the
 * config's architecture with seeded weights instead of reading the safetensors. The input shape
 * is the ids' [B, T]; the architecture must be the folder's {@code model_type}.
 *
 * <pre>{@code
 * Graph g = new HfDecoderAdapter().build(new ModelSpec("llama", new Shape(2, 12),
 *         Map.of("path", "tiny_llama")), host.newGraphBuilder("llama", 0));
 * }</pre>
 */
@Extension
public final class HfDecoderAdapter implements ModelAdapter {

    private static final Set<String> OPTIONS = Set.of("path", "weights");

    @Override
    public String name() {
        return "hf-decoder";
    }

    @Override
    public Set<String> architectures() {
        return new TreeSet<>(LlmConfig.MODEL_TYPES);
    }

    @Override
    public Graph build(ModelSpec spec, GraphBuilder builder) {
        for (String key : spec.options().keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new ConfigException("model.options." + key, "unknown option for adapter '"
                        + name() + "'; known: " + new TreeSet<>(OPTIONS));
            }
        }
        if (!LlmConfig.MODEL_TYPES.contains(spec.architecture())) {
            throw new ConfigException("model.architecture", "unknown architecture '" + spec.architecture()
                    + "' for adapter '" + name() + "'; known: " + architectures());
        }
        String path = spec.options().get("path");
        if (path == null) {
            throw new ConfigException("model.options.path", "required: the Hugging Face folder");
        }
        Shape shape = spec.inputShape();
        if (shape.dimension() != 2 || shape.get(1) < 1) {
            throw new ConfigException("model.inputShape", "must be token ids (B, T), found " + shape);
        }
        Path folder = Path.of(path);
        LlmConfig config = ConfigReader.read(folder.resolve(HfFolder.CONFIG));
        if (!config.modelType().equals(spec.architecture())) {
            throw new ConfigException("model.architecture", "'" + spec.architecture()
                    + "' does not match model_type '" + config.modelType() + "' of " + folder);
        }
        String weights = spec.options().getOrDefault("weights", "true");
        if (!weights.equals("true") && !weights.equals("false")) {
            throw new ConfigException("model.options.weights", "must be true or false, found " + weights);
        }
        return weights.equals("true") ? HfFolder.read(folder, builder, shape)
                : DecoderGraph.build(config, builder, shape, null);
    }
}
