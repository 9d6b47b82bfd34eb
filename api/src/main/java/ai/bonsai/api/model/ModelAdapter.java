package ai.bonsai.api.model;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * Builds the graph of a model family from its description (torchvision CNNs, Llama-style LLMs,
 * YOLOv8, diffusion UNets), with the family's own parameter names.
 *
 * <pre>{@code
 * Graph g = adapter.build(ModelSpec.of("resnet18", new Shape(1, 3, 224, 224)), builder);
 * }</pre>
 */
public interface ModelAdapter extends ExtensionPoint {

    /**
     * Returns the adapter's registry name.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the architectures this adapter builds.
     *
     * @return architecture names
     */
    Set<String> architectures();

    /**
     * Builds a graph with seeded weights through the host's builder.
     *
     * @param spec what to build
     * @param builder a fresh builder
     * @return the graph
     * @throws ai.bonsai.api.ConfigException if the architecture or an option is unknown
     */
    Graph build(ModelSpec spec, GraphBuilder builder);
}
