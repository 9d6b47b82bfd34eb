package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;

/**
 * Torch-Pruning's minimal example in Java: build a model, get the group of {@code conv1} for
 * idxs [2, 6, 9], check it, prune it and save the pruned weights as safetensors.
 *
 * <p>Run it with {@code java -cp 'examples/target/bonsai/lib/*'
 * ai.bonsai.examples.MinimalExample [output.safetensors]}.
 */
public final class MinimalExample {

    private MinimalExample() {
    }

    /**
     * Runs the example.
     *
     * @param args optionally the output file (default {@code pruned.safetensors})
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        Path output = Path.of(args.length > 0 ? args[0] : "pruned.safetensors");

        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("minimal", 42);
        Value x = b.input("input", new Shape(1, 3, 32, 32));
        Value h = b.unary("relu", "relu", b.batchNorm("bn1", b.conv2d("conv1", x, 16, 3, 1, 1)));
        Value r = b.batchNorm("bn2", b.conv2d("conv2", h, 16, 3, 1, 1));
        h = b.unary("relu", "relu_1", b.add("add", h, r));
        b.output(b.linear("fc", b.flatten("flatten", b.adaptiveAvgPool2d("pool", h, 1, 1)), 10));
        Graph model = b.build();

        DependencyGraph dg = DependencyGraph.build(model);
        Group group = dg.getPruningGroup(model.node("conv1"), PruningHandle.PRUNE_OUT,
                IndexSet.of(2, 6, 9));
        System.out.println(group);
        if (dg.checkPruningGroup(group)) {
            group.prune();
        }
        Safetensors.write(model, output);
        System.out.println("conv1.weight is now " + model.parameters().get("conv1.weight").shape()
                + "; pruned weights saved to " + output);
    }
}
