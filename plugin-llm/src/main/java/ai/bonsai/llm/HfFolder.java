package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a Hugging Face decoder-only model folder ({@code config.json} + safetensors weights) into
 * a graph. Everything is checked before any weight is read: the config, every shard's header,
 * and that each tensor the config needs is present with its shape. The weights are lazy
 * parameters ({@link ai.bonsai.api.graph.GraphBuilder#parameterSource}): each tensor is read from
 * its file when first needed, and again after {@link
 * ai.bonsai.api.graph.Parameter#release()}; with a builder that has no lazy parameters they are
 * read at once.
 *
 * <pre>{@code
 * Graph g = HfFolder.read(Path.of("tiny_llama"), host.newGraphBuilder("llama", 0), new Shape(1, 12));
 * }</pre>
 */
public final class HfFolder {

    /** The config file name. */
    public static final String CONFIG = "config.json";

    private HfFolder() {
    }

    /**
     * Tells whether a path is a folder whose {@code config.json} names a supported model type.
     *
     * @param path the path
     * @return true if this plugin reads it
     */
    public static boolean supports(Path path) {
        Path config = path.resolve(CONFIG);
        return Files.isDirectory(path) && Files.isRegularFile(config)
                && ConfigReader.modelType(config).filter(LlmConfig.MODEL_TYPES::contains).isPresent();
    }

    /**
     * Reads a model folder.
     *
     * @param folder the folder
     * @param b a fresh builder
     * @param inputShape the ids' shape [B, T]
     * @return the graph, whose metadata holds the source config, dtype and folder
     * @throws ModelFormatException naming the file and field at fault
     */
    public static Graph read(Path folder, GraphBuilder b, Shape inputShape) {
        Path configFile = folder.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException("model folder '" + folder + "': " + CONFIG + " does not exist");
        }
        LlmConfig config = ConfigReader.read(configFile);
        Checkpoint weights = Checkpoint.open(folder);
        for (Map.Entry<String, Shape> e : TensorLayout.shapes(config).entrySet()) {
            SafetensorsFile file = weights.fileOf(e.getKey());
            Shape actual = file.entries().get(e.getKey()).shape();
            if (!actual.equals(e.getValue())) {
                throw new ModelFormatException("safetensors file '" + file.path() + "': tensor '"
                        + e.getKey() + "': field 'shape': " + actual + " does not match "
                        + e.getValue() + " from " + configFile);
            }
        }
        b.metadata(DecoderGraph.META_DTYPE, weights.type().torchName());
        b.metadata(DecoderGraph.META_SOURCE, folder.toAbsolutePath().toString());
        weights.largestShardBytes().ifPresent(n -> b.metadata(DecoderGraph.META_SHARD_BYTES, Long.toString(n)));
        ScratchBuffers scratch = new ScratchBuffers();
        for (Map.Entry<String, Shape> e : TensorLayout.shapes(config).entrySet()) {
            String name = e.getKey();
            b.parameterSource(name, e.getValue(), DataType.FLOAT32,
                    new MappedTensor(weights.fileOf(name), name, b.manager(), scratch));
        }
        return DecoderGraph.build(config, b, inputShape, null);
    }
}
