package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code hf-decoder}: a Hugging Face folder of a decoder-only model (Llama, Mistral, Qwen2, Qwen3)
 * as a model format. {@link #supports} claims a folder whose {@code config.json} names one of those
 * model types; {@link #read} builds the graph for ids of shape [1, {@value #DEFAULT_SEQUENCE}], or
 * for the shape of {@code input_ids} given to {@link #read(Path, GraphBuilder, Map)} (a plan's
 * {@code model.input_shapes}, the ids {@code bonsai run} is given); {@link #write} writes a folder
 * with {@link HfWriter} (the source's element type and sharding).
 */
@Extension
public final class HfDecoderFormat implements ModelFormat {

    /** The sequence length of the graph input when reading through the format. */
    public static final int DEFAULT_SEQUENCE = 128;

    @Override
    public String name() {
        return "hf-decoder";
    }

    @Override
    public boolean supports(Path path) {
        return HfFolder.supports(path);
    }

    @Override
    public Graph read(Path path, GraphBuilder builder) {
        return HfFolder.read(path, builder, new Shape(1, DEFAULT_SEQUENCE));
    }

    /**
     * {@inheritDoc}
     *
     * @throws ModelFormatException if the shape of {@code input_ids} is not [B, T]
     */
    @Override
    public Graph read(Path path, GraphBuilder builder, Map<String, Shape> inputShapes) {
        Shape ids = inputShapes.getOrDefault(DecoderGraph.INPUT, new Shape(1, DEFAULT_SEQUENCE));
        if (ids.dimension() != 2 || ids.get(0) < 1 || ids.get(1) < 1) {
            throw new ModelFormatException("model folder '" + path + "': input '"
                    + DecoderGraph.INPUT + "' must be token ids [B, T], found " + ids);
        }
        return HfFolder.read(path, builder, ids);
    }

    /**
     * Returns true: the graph is built from the folder's config for the shape of the token ids.
     *
     * @return true
     */
    @Override
    public boolean buildsForInputShapes() {
        return true;
    }

    @Override
    public void write(Graph graph, Path path) {
        write(graph, path, Map.of());
    }

    @Override
    public void write(Graph graph, Path path, Map<String, String> provenance) {
        HfWriter.write(graph, path, provenance);
    }
}
