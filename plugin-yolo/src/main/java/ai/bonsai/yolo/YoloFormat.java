package ai.bonsai.yolo;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.model.AtomicFile;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pf4j.Extension;

/**
 * The {@code yolo} format: a YOLOv8 state dict in safetensors (the checkpoints' tensor names)
 * next to a {@code config.json} ({@link YoloConfigJson}). It reads a folder holding the config and
 * one {@code .safetensors} file, or a {@code .safetensors} file with {@code config.json} beside
 * it, and writes a folder: {@value #WEIGHTS} and {@value #CONFIG}, the config with a {@code
 * bonsai} section of per-layer widths so that a pruned model reads back.
 *
 * <pre>{@code
 * Graph g = new YoloFormat().read(Path.of("yolov8t"), builder);
 * new YoloFormat().write(g, Path.of("yolov8t-pruned"));
 * }</pre>
 */
@Extension
public final class YoloFormat implements ModelFormat {

    /** The config's file name. */
    public static final String CONFIG = "config.json";

    /** The weights' file name in a written folder. */
    public static final String WEIGHTS = "model.safetensors";

    private static final String SAFETENSORS = ".safetensors";
    private static final Pattern C2F_SPLIT = Pattern.compile("model\\.\\d+\\.split");

    /** Creates the format (PF4J instantiates it). */
    public YoloFormat() {
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code yolo}
     */
    @Override
    public String name() {
        return "yolo";
    }

    @Override
    public boolean supports(Path path) {
        if (Files.isDirectory(path)) {
            return YoloConfigJson.isYoloConfig(path.resolve(CONFIG)) && weightFiles(path).size() == 1;
        }
        Path dir = path.toAbsolutePath().getParent();
        return path.toString().endsWith(SAFETENSORS) && Files.isRegularFile(path)
                && YoloConfigJson.isYoloConfig(dir.resolve(CONFIG));
    }

    @Override
    public Graph read(Path path, GraphBuilder builder) {
        Path weights = path;
        Path dir = path.toAbsolutePath().getParent();
        if (Files.isDirectory(path)) {
            List<Path> files = weightFiles(path);
            if (files.size() != 1) {
                throw new ModelFormatException("YOLO folder '" + path + "' must hold one "
                        + SAFETENSORS + " file, found " + files);
            }
            weights = files.get(0);
            dir = path;
        }
        YoloConfig config = YoloConfigJson.read(dir.resolve(CONFIG));
        Map<String, NDArray> tensors = Safetensors.read(weights, builder.manager());
        Graph graph;
        try {
            graph = YoloV8Builder.build(builder, config, 1, tensors);
        } catch (GraphException e) {
            throw new ModelFormatException("'" + weights + "' does not fit its config '"
                    + dir.resolve(CONFIG) + "': " + e.getMessage(), e);
        }
        Set<String> missing = new TreeSet<>(graph.parameters().keySet());
        missing.removeAll(tensors.keySet());
        missing.remove(YoloV8Builder.DFL_WEIGHT);
        if (!missing.isEmpty()) {
            graph.close();
            throw new ModelFormatException("'" + weights + "' lacks " + missing.size()
                    + " tensors of the model its config describes: " + missing);
        }
        return graph;
    }

    /**
     * {@inheritDoc}
     *
     * @param path the folder to write (created if needed)
     * @throws ModelFormatException if the graph was not built by the {@code yolo} adapter or
     *     format, or naming the file that cannot be written
     */
    @Override
    public void write(Graph graph, Path path) {
        write(graph, path, Map.of());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The provenance goes into the config's {@code bonsai.provenance} section.
     */
    @Override
    public void write(Graph graph, Path path, Map<String, String> provenance) {
        String json = graph.metadata().get(YoloV8Builder.CONFIG_KEY);
        if (json == null) {
            throw new ModelFormatException("cannot write '" + path + "' as YOLO: graph '"
                    + graph.name() + "' has no '" + YoloV8Builder.CONFIG_KEY
                    + "' metadata (it was not built by the yolo adapter)");
        }
        YoloConfig config = YoloConfigJson.fromJson(json, "metadata '" + YoloV8Builder.CONFIG_KEY
                + "' of graph '" + graph.name() + "'").withWidths(widths(graph));
        Safetensors.write(graph, path.resolve(WEIGHTS));
        AtomicFile.write(path.resolve(CONFIG), "YOLO config",
                tmp -> Files.writeString(tmp, YoloConfigJson.toJson(config, provenance)));
    }

    /**
     * Returns the widths a graph has now: every convolution's output channels and every C2f
     * split's piece sizes.
     *
     * @param graph a YOLOv8 graph
     * @return the widths
     */
    public static LayerWidths widths(Graph graph) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Map<String, List<Long>> splits = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if ("conv2d".equals(n.op().name())) {
                out.put(n.name(), Math.toIntExact(n.parameter("weight").shape().get(0)));
            } else if ("split".equals(n.op().name()) && C2F_SPLIT.matcher(n.name()).matches()
                    && !n.name().startsWith("model.22.")) {
                List<Long> sizes = new ArrayList<>();
                for (long s : n.attributes().getLongs("sizes")) {
                    sizes.add(s);
                }
                splits.put(n.name(), sizes);
            }
        }
        return new LayerWidths(out, splits);
    }

    private static List<Path> weightFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(SAFETENSORS)).sorted().toList();
        } catch (IOException e) {
            throw new ModelFormatException("cannot list YOLO folder '" + dir + "': "
                    + e.getMessage(), e);
        }
    }
}
