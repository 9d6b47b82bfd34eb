package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** The reference setting (magnitude L2, 30 % local, conv_out ignored) and graph views. */
final class Pruning {

    private Pruning() {
    }

    /** The reference's pruning config. */
    static PruningConfig.Builder l2Local30() {
        return PruningConfig.builder()
                .setImportance(new MagnitudeImportance())
                .optRatio(0.3)
                .optIgnoredLayers(List.of("conv_out"));
    }

    /** Prunes a graph in one step with the reference's setting. */
    static void pruneL2Local30(Graph g) {
        new MetaPruner().start(g, l2Local30().build()).step();
    }

    static List<Long> dims(Shape shape) {
        return LongStream.of(shape.getShape()).boxed().collect(Collectors.toList());
    }

    /** The graph's parameter shapes by full name. */
    static Map<String, List<Long>> shapes(Graph g) {
        return g.parameters().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> dims(e.getValue().shape())));
    }
}
