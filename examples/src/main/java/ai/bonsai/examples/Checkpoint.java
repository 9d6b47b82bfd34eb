package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.io.WeightLoader;
import ai.bonsai.core.plugin.PluginHost;
import java.nio.file.Path;

/**
 * The weights of an unpruned {@link SmallResNet} saved as safetensors, from which fresh copies
 * of the model are built (each variant, and each trial of the ratio search, prunes its own copy).
 *
 * @param architecture the network the weights belong to
 * @param file the safetensors file
 */
record Checkpoint(SmallResNet architecture, Path file) {

    /**
     * Saves a graph's weights.
     *
     * @param graph the unpruned graph
     * @param architecture its architecture
     * @param file where to write
     * @return the checkpoint
     */
    static Checkpoint save(Graph graph, SmallResNet architecture, Path file) {
        Safetensors.write(graph, file);
        return new Checkpoint(architecture, file);
    }

    /**
     * Builds a new graph holding the saved weights.
     *
     * @return the graph; close it
     */
    Graph restore() {
        Graph graph = architecture.build(PluginHost.classpathOnly().newGraphBuilder("small_resnet", 0));
        WeightLoader.load(graph, file);
        return graph;
    }
}
