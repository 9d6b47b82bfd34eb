package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Parameter;
import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Rebuilds a decoder graph with another config (fewer layers, added biases), copying each tensor
 * from the source graph; a tensor the source lacks (a bias being added) starts at zero. The
 * source's metadata is kept.
 */
final class GraphCopy {

    private GraphCopy() {
    }

    /**
     * Builds the new graph.
     *
     * @param g the source graph (unchanged)
     * @param config the new config
     * @param sourceName maps a tensor name of the new graph to the source's
     * @param b a fresh builder
     * @return the new graph
     */
    static Graph of(Graph g, LlmConfig config, UnaryOperator<String> sourceName, GraphBuilder b) {
        return of(g, config, sourceName, (name, source) -> source.duplicate(), b);
    }

    /**
     * Builds the new graph, each tensor computed from its source tensor.
     *
     * @param g the source graph (unchanged)
     * @param config the new config
     * @param sourceName maps a tensor name of the new graph to the source's
     * @param derive gives a new tensor (a copy, never a view) from the new name and the source
     *     tensor
     * @param b a fresh builder
     * @return the new graph
     */
    static Graph of(Graph g, LlmConfig config, UnaryOperator<String> sourceName,
            BiFunction<String, NDArray, NDArray> derive, GraphBuilder b) {
        for (Map.Entry<String, String> e : g.metadata().entrySet()) {
            if (!e.getKey().equals(DecoderGraph.META_CONFIG)) {
                b.metadata(e.getKey(), e.getValue());
            }
        }
        Map<String, Parameter> params = g.parameters();
        return DecoderGraph.build(config, b, g.inputs().get(0).shape(), (name, shape) -> {
            Parameter p = params.get(sourceName.apply(name));
            if (p == null) {
                return b.manager().zeros(shape);
            }
            NDArray copy = derive.apply(name, p.array());
            copy.attach(b.manager());
            return copy;
        });
    }
}
