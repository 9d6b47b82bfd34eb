package ai.bonsai.transformers;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.ModelSpec;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * The {@code torchvision-vit} model adapter: torchvision's Vision Transformers ({@link
 * TorchvisionVit}) by their names ({@code vit_b_16}, {@code vit_b_32}, {@code vit_l_16}, {@code
 * vit_l_32}, {@code vit_h_14}) or, as architecture {@code vit_custom}, at any size.
 *
 * <p>Options: {@code num_classes} (default 1000); for {@code vit_custom} also {@code image_size}, {@code
 * patch_size}, {@code num_layers}, {@code num_heads}, {@code hidden_dim}, {@code mlp_dim} (the
 * {@code VisionTransformer} constructor's names; defaults those of {@code vit_b_16}); {@code
 * weights}, a safetensors file of the model's {@code state_dict} (seeded weights without it).
 *
 * <pre>{@code
 * Graph g = adapter.build(new ModelSpec("vit_custom", new Shape(1, 3, 32, 32), Map.of("image_size", "32",
 *         "patch_size", "8", "num_layers", "2", "num_heads", "4", "hidden_dim", "64", "mlp_dim", "128",
 *         "num_classes", "10", "weights", "tiny_vit.safetensors")), builder);
 * }</pre>
 */
@Extension
public final class TorchvisionVitAdapter implements ModelAdapter {

    private static final Set<String> SIZE_OPTIONS = Set.of("image_size", "patch_size", "num_layers", "num_heads",
            "hidden_dim", "mlp_dim");

    /** Creates the adapter (PF4J instantiates it). */
    public TorchvisionVitAdapter() {
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code torchvision-vit}
     */
    @Override
    public String name() {
        return "torchvision-vit";
    }

    /**
     * {@inheritDoc}
     *
     * @return the presets and {@code vit_custom}
     */
    @Override
    public Set<String> architectures() {
        Set<String> all = new TreeSet<>(TorchvisionVit.PRESETS.keySet());
        all.add("vit_custom");
        return all;
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException if the architecture or an option is unknown or a size is not a
     *     positive integer, or the input is not the model's image
     * @throws ModelFormatException naming the weights file if a tensor is missing or misfit
     */
    @Override
    public Graph build(ModelSpec spec, GraphBuilder builder) {
        boolean custom = spec.architecture().equals("vit_custom");
        TorchvisionVit preset = TorchvisionVit.PRESETS.get(custom ? "vit_b_16" : spec.architecture());
        if (preset == null) {
            throw new ConfigException("model.architecture", "unknown architecture '" + spec.architecture()
                    + "' for adapter '" + name() + "'; known: " + architectures());
        }
        for (String option : spec.options().keySet()) {
            if (!option.equals("num_classes") && !option.equals("weights") && !(custom && SIZE_OPTIONS.contains(option))) {
                throw new ConfigException("model.options." + option, "unknown option for adapter '" + name()
                        + "' and architecture '" + spec.architecture() + "'");
            }
        }
        TorchvisionVit vit = new TorchvisionVit(positive(spec, "image_size", preset.imageSize()),
                positive(spec, "patch_size", preset.patchSize()), positive(spec, "num_layers", preset.layers()),
                positive(spec, "num_heads", preset.heads()), positive(spec, "hidden_dim", preset.hidden()),
                positive(spec, "mlp_dim", preset.mlp()));
        String weights = spec.options().get("weights");
        int classes = positive(spec, "num_classes", 1000);
        Supplier<Graph> nodes = () -> {
            vit.build(builder, spec.inputShape(), classes);
            return builder.build();
        };
        return weights == null ? nodes.get() : StateDict.load(Path.of(weights), builder, name -> false, nodes);
    }

    private static int positive(ModelSpec spec, String key, int fallback) {
        int v = spec.intOption(key, fallback);
        if (v < 1) {
            throw new ConfigException("model.options." + key, "must be at least 1, found " + v);
        }
        return v;
    }
}
