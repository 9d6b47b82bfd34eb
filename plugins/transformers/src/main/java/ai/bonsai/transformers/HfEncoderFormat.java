package ai.bonsai.transformers;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.model.AtomicFile;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The {@code hf-encoder} format: a Hugging Face encoder folder ({@code config.json} + {@code
 * model.safetensors}) of BERT ({@code BertModel}, {@code BertForSequenceClassification}), ViT
 * ({@code ViTForImageClassification}) or DeiT ({@code DeiTForImageClassification}).
 *
 * <p>Reading takes the folder (or its {@code config.json}) and builds the graph at batch 1 and the
 * full length (BERT: {@code max_position_embeddings} tokens; ViT: the configured image); {@link
 * TransformersAdapter} builds it at any input shape. Writing takes a graph this plugin built,
 * pruned or not, and a target folder: {@code model.safetensors} with the graph's parameters under
 * their Hugging Face names, {@code config.json} as {@link EncoderConfigWriter} describes, and the
 * source folder's tokenizer and preprocessor files. Every file is written atomically.
 *
 * <pre>{@code
 * Graph g = format.read(Path.of("bert-tiny"), host.newGraphBuilder("bert", 0));
 * // prune ...
 * format.write(g, Path.of("bert-tiny-pruned"));
 * }</pre>
 */
@Extension
public final class HfEncoderFormat implements ModelFormat {

    /** Files copied from the source folder unchanged. */
    static final List<String> COPIED_FILES = List.of("tokenizer.json", "tokenizer_config.json", "vocab.txt",
            "vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json", "spiece.model",
            "sentencepiece.bpe.model", "preprocessor_config.json");

    @Override
    public String name() {
        return "hf-encoder";
    }

    /**
     * {@inheritDoc}
     *
     * @return true for a folder (or its {@code config.json}) whose config names a supported
     *     encoder and which holds {@code model.safetensors}
     */
    @Override
    public boolean supports(Path path) {
        return EncoderFolder.holdsEncoder(folder(path));
    }

    @Override
    public Graph read(Path path, GraphBuilder builder) {
        Path dir = folder(path);
        EncoderConfig config = EncoderFolder.config(dir);
        return EncoderFolder.load(dir, config, EncoderFolder.defaultInput(config), builder);
    }

    @Override
    public void write(Graph graph, Path path) {
        write(graph, path, Map.of());
    }

    /**
     * {@inheritDoc}
     *
     * @throws ModelFormatException naming the graph if this plugin did not build it, or the file
     *     that cannot be written
     */
    @Override
    public void write(Graph graph, Path path, Map<String, String> provenance) {
        EncoderConfig original = EncoderFolder.configOf(graph);
        PrunedWidths now = PrunedWidths.of(graph, original);
        Optional<Path> source = Optional.ofNullable(graph.metadata().get(EncoderFolder.SOURCE_KEY)).map(Path::of);
        ObjectNode config;
        try (NDManager scratch = NDManager.newBaseManager()) {
            Map<String, NDArray> before = source.map(s -> s.resolve(EncoderFolder.WEIGHTS_FILE))
                    .filter(Files::isRegularFile).map(f -> Safetensors.read(f, scratch)).orElse(Map.of());
            EncoderNames names = original.names();
            config = EncoderConfigWriter.write(original, now, i -> HeadMatcher.keptHeads(graph, before,
                    names.projection(i, "query"), original.layers().get(i).heads(), original.layers().get(i).headSize()),
                    provenance);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Parameter p : graph.parameters().values()) {
            tensors.put(p.name(), p.array());
        }
        Safetensors.write(tensors, path.resolve(EncoderFolder.WEIGHTS_FILE));
        AtomicFile.write(path.resolve(EncoderFolder.CONFIG_FILE), "config",
                tmp -> EncoderFolder.json().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), config));
        source.ifPresent(s -> copyAuxiliaryFiles(s, path));
    }

    private static void copyAuxiliaryFiles(Path from, Path to) {
        for (String name : COPIED_FILES) {
            Path file = from.resolve(name);
            if (Files.isRegularFile(file) && !file.toAbsolutePath().equals(to.resolve(name).toAbsolutePath())) {
                AtomicFile.write(to.resolve(name), name,
                        tmp -> Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING));
            }
        }
    }

    private static Path folder(Path path) {
        return path.getFileName() != null && path.getFileName().toString().equals(EncoderFolder.CONFIG_FILE)
                ? path.toAbsolutePath().getParent() : path;
    }
}
