package ai.bonsai.vision;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** Builds torchvision graphs through core's graph builder, and views them for assertions. */
final class TestGraphs {

    static final Shape IMAGE = new Shape(1, 3, 224, 224);

    private TestGraphs() {
    }

    static DefaultGraph build(String architecture) {
        return build(architecture, Map.of());
    }

    static DefaultGraph build(String architecture, Map<String, String> options) {
        Graph g = new TorchvisionAdapter().build(new ModelSpec(architecture, IMAGE, options),
                PluginHost.classpathOnly().newGraphBuilder(architecture, 0));
        return (DefaultGraph) g;
    }

    static List<Long> dims(Shape shape) {
        return LongStream.of(shape.getShape()).boxed().collect(Collectors.toList());
    }

    /** Returns the graph's parameter shapes by full name. */
    static Map<String, List<Long>> parameterShapes(Graph g) {
        return g.parameters().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> dims(e.getValue().shape())));
    }

    /** Returns the trainable parameter elements, as PyTorch's {@code numel} sum counts them. */
    static long trainableElements(Graph g) {
        return g.parameters().values().stream()
                .filter(p -> p.trainable())
                .mapToLong(p -> p.shape().size())
                .sum();
    }

    /** Returns "name:op" for the nodes whose names start with a prefix, in graph order. */
    static List<String> nodes(Graph g, String prefix) {
        return g.nodes().stream()
                .filter(n -> n.name().startsWith(prefix))
                .map(TestGraphs::describe)
                .collect(Collectors.toList());
    }

    static String describe(Node n) {
        return n.name() + ":" + n.op().name();
    }
}
