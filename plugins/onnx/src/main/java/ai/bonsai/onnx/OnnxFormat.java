package ai.bonsai.onnx;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.onnx.OnnxOpCodec;
import ai.bonsai.api.plugin.ExtensionLookup;
import ai.djl.ndarray.types.Shape;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The {@code onnx} model format: reads {@code .onnx} files into Bonsai graphs and writes graphs
 * back as ONNX.
 *
 * <pre>{@code
 * ModelFormat onnx = host.formats().get("onnx");
 * try (Graph g = onnx.read(Path.of("model.onnx"), host.newGraphBuilder("model", 0))) {
 *     // prune g ...
 *     onnx.write(g, Path.of("model.pruned.onnx"));
 * }
 * }</pre>
 *
 * <p>Ops are read and written by {@link OnnxOpCodec}s: those of every plugin first (a plugin jar
 * teaches the format its own ops, custom domains included), then the built-in ones.
 * Reading maps the ops with channel semantics to Bonsai op types and keeps the others as
 * {@code onnx_opaque} nodes, listed in the graph metadata under {@link OnnxMetadata#OPAQUE_NODES}.
 * A malformed file fails with one {@link ModelFormatException} naming the file and the node,
 * initializer or field at fault.
 */
@Extension
public final class OnnxFormat implements ModelFormat {

    /** The registry name. */
    public static final String NAME = "onnx";

    private final ExtensionLookup extensions;

    /** Creates the format with the built-in op codecs only (no host to ask for plugged ones). */
    public OnnxFormat() {
        this(null);
    }

    /**
     * Creates the format that asks the host for the {@link OnnxOpCodec}s of every plugin on each
     * read and write, before its built-in ones.
     *
     * @param extensions the host's extensions, or null for the built-in codecs only
     */
    @Inject
    public OnnxFormat(ExtensionLookup extensions) {
        this.extensions = extensions;
    }

    private Codecs codecs() {
        return extensions == null ? Codecs.builtIn() : Codecs.of(extensions.extensions(OnnxOpCodec.class));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(Path path) {
        return path.getFileName() != null
                && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public Graph read(Path path, GraphBuilder builder) {
        return read(path, builder, Map.of());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The sizes fill the inputs' symbolic dimensions ({@code dim_param} or unknown); static
     * dimensions must match them. Without sizes a symbolic first (batch) dimension is 1, and any
     * other symbolic dimension fails with a message that proposes sizes. The written model gets
     * the original's symbolic dimensions back.
     */
    @Override
    public Graph read(Path path, GraphBuilder builder, Map<String, Shape> inputShapes) {
        try {
            OnnxModelFile file = OnnxModelFile.open(path);
            return new OnnxImporter(file, builder, codecs(), inputShapes).run();
        } catch (ModelFormatException e) {
            builder.manager().close();
            throw e;
        } catch (RuntimeException e) {
            builder.manager().close();
            throw new ModelFormatException(path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(Graph graph, Path path) {
        OnnxWriter.write(graph, path, Map.of(), codecs());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The entries go into the {@code pruning} object of the {@code bonsai.provenance} entry of
     * the model's {@code metadata_props}.
     */
    @Override
    public void write(Graph graph, Path path, Map<String, String> provenance) {
        OnnxWriter.write(graph, path, provenance, codecs());
    }
}
