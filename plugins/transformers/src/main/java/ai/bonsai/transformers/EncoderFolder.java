package ai.bonsai.transformers;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face model folder: {@code config.json} and {@code model.safetensors}, read into a
 * graph whose parameters carry the file's tensor names. The graph's metadata keeps the config as
 * read ({@link #CONFIG_KEY}) and the folder ({@link #SOURCE_KEY}), which the exporter needs.
 */
final class EncoderFolder {

    /** Graph metadata key of the original {@code config.json} text. */
    static final String CONFIG_KEY = "transformers.config";
    /** Graph metadata key of the folder the model was read from. */
    static final String SOURCE_KEY = "transformers.source";
    static final String CONFIG_FILE = "config.json";
    static final String WEIGHTS_FILE = "model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EncoderFolder() {
    }

    /**
     * Reads a folder's config.
     *
     * @param dir the folder
     * @return the config
     * @throws ModelFormatException naming the file if it is missing, malformed or unsupported
     */
    static EncoderConfig config(Path dir) {
        return config(dir, CONFIG_FILE);
    }

    /**
     * Reads a config file of a folder.
     *
     * @param dir the folder
     * @param name the file's name
     * @return the config
     * @throws ModelFormatException naming the file if it is missing, malformed or unsupported
     */
    static EncoderConfig config(Path dir, String name) {
        Path file = dir.resolve(name);
        try {
            return EncoderConfig.parse(JSON.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new ModelFormatException("cannot read config '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * Tells whether a folder holds an encoder this plugin reads.
     *
     * @param dir the folder
     * @return true if its config.json names a supported model type and architecture
     */
    static boolean holdsEncoder(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CONFIG_FILE)) || !Files.isRegularFile(dir.resolve(WEIGHTS_FILE))) {
            return false;
        }
        try {
            config(dir);
            return true;
        } catch (BonsaiException e) {
            return false;
        }
    }

    /**
     * Returns the input shape used when none is given: batch 1, BERT's full position table, ViT's
     * configured image.
     *
     * @param config the config
     * @return the shape
     */
    static Shape defaultInput(EncoderConfig config) {
        return config.family().vision()
                ? new Shape(1, config.channels(), config.imageSize(), config.imageSize())
                : new Shape(1, config.maxPositions());
    }

    /**
     * Builds the graph of a folder with its weights.
     *
     * @param dir the folder
     * @param config its config
     * @param input the input shape
     * @param builder a fresh builder
     * @return the graph
     * @throws ModelFormatException naming the weights file if a tensor is missing, unexpected or
     *     of the wrong shape
     */
    static Graph load(Path dir, EncoderConfig config, Shape input, GraphBuilder builder) {
        return StateDict.load(dir.resolve(WEIGHTS_FILE), builder, name -> name.endsWith(".position_ids"),
                () -> build(config, input, builder, dir));
    }

    /**
     * Builds the graph of a config, with the builder's seeded weights unless values were supplied.
     *
     * @param config the config
     * @param input the input shape
     * @param builder the builder
     * @param source the folder the config comes from, or null
     * @return the graph
     */
    static Graph build(EncoderConfig config, Shape input, GraphBuilder builder, Path source) {
        builder.metadata(CONFIG_KEY, config.json().toString());
        if (source != null) {
            builder.metadata(SOURCE_KEY, source.toAbsolutePath().toString());
        }
        EncoderGraph.build(config, input, builder);
        return builder.build();
    }

    /**
     * Returns the config a graph was built from, kept in its metadata.
     *
     * @param graph a graph this plugin built
     * @return the original config
     * @throws ModelFormatException naming the graph if it has no such metadata
     */
    static EncoderConfig configOf(Graph graph) {
        String json = graph.metadata().get(CONFIG_KEY);
        if (json == null) {
            throw new ModelFormatException("graph '" + graph.name() + "' was not built from a Hugging Face"
                    + " encoder config (no metadata '" + CONFIG_KEY + "')");
        }
        try {
            return EncoderConfig.parse(JSON.readTree(json), "metadata of graph '" + graph.name() + "'");
        } catch (IOException e) {
            throw new ModelFormatException("graph '" + graph.name() + "' has malformed config metadata: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Returns the mapper the plugin reads and writes configs with.
     *
     * @return the mapper
     */
    static ObjectMapper json() {
        return JSON;
    }
}
