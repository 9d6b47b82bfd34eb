package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.model.AtomicFile;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code diffusers}: a diffusers {@code UNet2DModel} folder ({@code config.json} + {@code
 * diffusion_pytorch_model.safetensors}), read into a graph of batch 1 with inputs {@code sample}
 * and {@code timestep}, and written back.
 *
 * <p>Writing: {@code block_out_channels} become the widths of each down block's first resnet
 * output and {@code time_embedding_dim} the time embedding's width; every convolution or linear
 * width, GroupNorm group count, head count or attention scale that the diffusers keys do not
 * imply is listed in the config's {@link BonsaiSection bonsai} section, which this format reads
 * back. Both files are written atomically, the weights first, so a config is only ever next to
 * complete weights. Provenance entries go to the config's {@code bonsai_provenance} object.
 *
 * <pre>{@code
 * Graph g = format.read(Path.of("ddpm-cifar10"), host.newGraphBuilder("unet", 0));
 * format.write(g, Path.of("pruned"));
 * }</pre>
 */
@Extension
public final class DiffusersUNetFormat implements ModelFormat {

    /** The graph metadata key holding the original {@code config.json}. */
    public static final String CONFIG_METADATA = "diffusers.config";

    /** Creates the format (PF4J instantiates it). */
    public DiffusersUNetFormat() {
    }

    @Override
    public String name() {
        return "diffusers";
    }

    /**
     * {@inheritDoc}
     *
     * @return true for a folder with {@code config.json} naming {@code UNet2DModel} and {@code
     *     diffusion_pytorch_model.safetensors}
     */
    @Override
    public boolean supports(Path path) {
        if (!DiffusersFolder.isFolder(path)) {
            return false;
        }
        try {
            JsonNode json = DiffusersFolder.JSON.readTree(path.resolve(DiffusersFolder.CONFIG).toFile());
            return json != null && UNetConfig.CLASS_NAME.equals(json.path("_class_name").asText());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Graph read(Path path, GraphBuilder builder) {
        if (!DiffusersFolder.isFolder(path)) {
            throw new ModelFormatException("'" + path + "' is not a diffusers folder with "
                    + DiffusersFolder.CONFIG + " and " + DiffusersFolder.WEIGHTS);
        }
        Path configFile = path.resolve(DiffusersFolder.CONFIG);
        JsonNode json = DiffusersFolder.readJson(configFile);
        UNetConfig config = UNetConfig.parse(json, configFile.toString());
        Safetensors.read(path.resolve(DiffusersFolder.WEIGHTS), builder.manager())
                .forEach(builder::parameterValue);
        builder.metadata(CONFIG_METADATA, json.toString());
        builder.metadata("source", path.toString());
        int size = config.sampleSize();
        return new UNetBuilder(config, builder).build(new Shape(1, config.inChannels(), size, size));
    }

    @Override
    public void write(Graph graph, Path path) {
        write(graph, path, Map.of());
    }

    @Override
    public void write(Graph graph, Path path, Map<String, String> provenance) {
        String original = graph.metadata().get(CONFIG_METADATA);
        if (original == null) {
            throw new ModelFormatException("cannot write '" + path + "': graph '" + graph.name()
                    + "' has no '" + CONFIG_METADATA + "' metadata (it was not built from a"
                    + " diffusers config)");
        }
        JsonNode json;
        try {
            json = DiffusersFolder.JSON.readTree(original);
        } catch (IOException e) {
            throw new ModelFormatException("graph '" + graph.name() + "': metadata '"
                    + CONFIG_METADATA + "' is not JSON: " + e.getMessage(), e);
        }
        UNetConfig pruned = prunedConfig(graph, UNetConfig.parse(json, CONFIG_METADATA));
        ObjectNode out = pruned.toJson(json);
        if (!provenance.isEmpty()) {
            provenance.forEach(out.putObject("bonsai_provenance")::put);
        }
        Safetensors.write(graph, path.resolve(DiffusersFolder.WEIGHTS));
        AtomicFile.write(path.resolve(DiffusersFolder.CONFIG), "config file",
                tmp -> DiffusersFolder.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), out));
    }

    /**
     * Derives the config of a (pruned) graph from the config it was built from: block widths
     * and time embedding width from the graph, and a {@code bonsai} section with whatever they
     * do not imply.
     *
     * @param graph the graph
     * @param original the config it was built from
     * @return the config that rebuilds the graph
     */
    static UNetConfig prunedConfig(Graph graph, UNetConfig original) {
        List<Integer> widths = new ArrayList<>();
        for (int i = 0; i < original.blockOutChannels().size(); i++) {
            widths.add(outWidth(graph.node("down_blocks." + i + ".resnets.0.conv2")));
        }
        int timeDim = outWidth(graph.node("time_embedding.linear_1"));
        UNetConfig base = original.with(widths, timeDim, BonsaiSection.EMPTY);
        Map<String, Integer> layerWidths = new HashMap<>();
        Map<String, Integer> groups = new HashMap<>();
        Map<String, Integer> heads = new HashMap<>();
        Map<String, Double> scales = new HashMap<>();
        for (Node n : graph.nodes()) {
            String op = n.op().name();
            if (op.equals("conv2d") || op.equals("linear")) {
                int w = outWidth(n);
                boolean shortcut = n.name().endsWith(".conv_shortcut")
                        && n.input().shape().get(1) == w;
                if (w != base.derivedWidth(n.name()) || shortcut) {
                    layerWidths.put(n.name(), w);
                }
            } else if (op.equals(TimestepEmbeddingOp.NAME)) {
                int dim = n.attributes().getInt("dim");
                if (dim != base.derivedWidth(n.name())) {
                    layerWidths.put(n.name(), dim);
                }
            } else if (op.equals("group_norm")) {
                int g = n.attributes().getInt("num_groups");
                if (g != base.normNumGroups()) {
                    groups.put(n.name(), g);
                }
            } else if (op.equals("attention")) {
                String module = n.name().substring(0, n.name().lastIndexOf('.'));
                int inner = Math.toIntExact(n.inputs().get(0).shape().get(2));
                int h = n.attributes().getInt("num_heads");
                if (h != UNetBuilder.defaultHeads(base, inner)) {
                    heads.put(module, h);
                }
                double scale = n.attributes().getDouble("scale");
                if (scale != UNetBuilder.defaultScale(inner, h)) {
                    scales.put(module, scale);
                }
            }
        }
        return base.with(widths, timeDim, new BonsaiSection(layerWidths, groups, heads, scales));
    }

    private static int outWidth(Node n) {
        return Math.toIntExact(n.parameter("weight").shape().get(0));
    }
}
