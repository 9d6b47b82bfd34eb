package ai.bonsai.diffusion;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelSpec;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The {@code diffusers} model adapter: builds a {@code UNet2DModel} with seeded weights, either
 * from a {@code config.json} (architecture {@code UNet2DModel}, option {@code config}: the file or
 * its folder) or as the DDPM CIFAR-10 UNet ({@code ddpm-cifar10}: block widths 128/256/256/256,
 * attention at 16x16, 35,746,307 parameters). The input shape is {@code sample}'s, [B, in, H, W];
 * {@code timestep} is [B].
 *
 * <pre>{@code
 * Graph g = new DiffusersUNetAdapter().build(
 *         ModelSpec.of("ddpm-cifar10", new Shape(1, 3, 32, 32)), builder);
 * }</pre>
 */
@Extension
public final class DiffusersUNetAdapter implements ModelAdapter {

    /** The option naming the config file (or its folder) for architecture {@code UNet2DModel}. */
    public static final String CONFIG = "config";

    /** The DDPM CIFAR-10 architecture's name. */
    public static final String DDPM_CIFAR10 = "ddpm-cifar10";

    /** Creates the adapter (PF4J instantiates it). */
    public DiffusersUNetAdapter() {
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code diffusers}
     */
    @Override
    public String name() {
        return "diffusers";
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code UNet2DModel} and {@code ddpm-cifar10}
     */
    @Override
    public Set<String> architectures() {
        return Set.of(UNetConfig.CLASS_NAME, DDPM_CIFAR10);
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException if the architecture or an option is unknown, the config is
     *     missing, malformed or unsupported, or the input shape is not [B, in_channels, H, W]
     */
    @Override
    public Graph build(ModelSpec spec, GraphBuilder builder) {
        for (String option : spec.options().keySet()) {
            if (!option.equals(CONFIG)) {
                throw new ConfigException("model.options." + option,
                        "unknown option for adapter '" + name() + "'; known: [" + CONFIG + "]");
            }
        }
        JsonNode json = switch (spec.architecture()) {
            case DDPM_CIFAR10 -> ddpmCifar10();
            case UNetConfig.CLASS_NAME -> readConfig(spec);
            default -> throw new ConfigException("model.architecture", "unknown architecture '"
                    + spec.architecture() + "' for adapter '" + name() + "'; known: "
                    + architectures().stream().sorted().toList());
        };
        UNetConfig config = UNetConfig.parse(json, spec.architecture());
        Shape shape = spec.inputShape();
        if (shape.dimension() != 4 || shape.get(1) != config.inChannels()) {
            throw new ConfigException("model.inputShape", "must be (B, " + config.inChannels()
                    + ", H, W), found " + shape);
        }
        builder.metadata(DiffusersUNetFormat.CONFIG_METADATA, json.toString());
        return new UNetBuilder(config, builder).build(shape);
    }

    private static JsonNode readConfig(ModelSpec spec) {
        String option = spec.options().get(CONFIG);
        if (option == null) {
            throw new ConfigException("model.options." + CONFIG, "architecture "
                    + UNetConfig.CLASS_NAME + " needs the config.json file or its folder");
        }
        Path file = Path.of(option);
        if (Files.isDirectory(file)) {
            file = file.resolve(DiffusersFolder.CONFIG);
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("model.options." + CONFIG, "no config file '" + file + "'");
        }
        return DiffusersFolder.readJson(file);
    }

    /** google/ddpm-cifar10-32's UNet config. */
    private static JsonNode ddpmCifar10() {
        ObjectNode c = DiffusersFolder.JSON.createObjectNode();
        c.put("_class_name", UNetConfig.CLASS_NAME);
        c.put("in_channels", 3);
        c.put("out_channels", 3);
        c.put("sample_size", 32);
        c.putArray("block_out_channels").add(128).add(256).add(256).add(256);
        c.putArray("down_block_types").add("DownBlock2D").add("AttnDownBlock2D")
                .add("DownBlock2D").add("DownBlock2D");
        c.putArray("up_block_types").add("UpBlock2D").add("UpBlock2D").add("AttnUpBlock2D")
                .add("UpBlock2D");
        c.put("layers_per_block", 2);
        c.put("norm_num_groups", 32);
        c.put("norm_eps", 1e-6);
        c.putNull("attention_head_dim");
        c.put("flip_sin_to_cos", false);
        c.put("freq_shift", 1);
        c.put("downsample_padding", 0);
        c.put("act_fn", "silu");
        c.put("center_input_sample", false);
        c.put("mid_block_scale_factor", 1);
        c.put("time_embedding_type", "positional");
        return c;
    }
}
