package ai.bonsai.core.exec;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphRunner;
import ai.bonsai.api.graph.Node;
import ai.djl.ndarray.NDList;
import java.util.function.BiConsumer;

/** Core's {@link GraphRunner}: a {@link GraphExecutor} pass in eval mode. */
public final class DefaultGraphRunner implements GraphRunner {

    /** Creates the runner (Guice binds it for extensions). */
    public DefaultGraphRunner() {
    }

    @Override
    public NDList forward(Graph graph, NDList inputs) {
        return new GraphExecutor(graph).forward(inputs);
    }

    @Override
    public NDList forward(Graph graph, NDList inputs, BiConsumer<Node, NDList> observer) {
        return new GraphExecutor(graph).forward(inputs, false, observer);
    }
}
