package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** The {@code tiny_mlp} fixture's architecture, written with the GraphBuilder. */
public final class TinyMlp {

    private TinyMlp() {
    }

    /**
     * Builds the graph with seeded weights; load the fixture's weights by name to match PyTorch.
     *
     * @return the graph
     */
    public static Graph build() {
        return build(false);
    }

    /**
     * Builds the twin of the graph that Torch-Pruning 1.6 prunes in effect: its split mapping
     * attributes the first part of fc2's channels to {@code fc4} and the second to {@code fc3}
     * (the consumers in reverse order), so it scores and prunes exactly as if the split's first
     * part fed {@code fc4}. The twin wires the split that way (the concat order stays
     * {@code [fc3, fc4]}); it computes a different function than the fixture, but prunes to
     * Torch-Pruning's kept channels and shapes.
     *
     * @return the twin graph, with seeded weights
     */
    public static Graph buildAsTorchPruningSeesIt() {
        return build(true);
    }

    private static Graph build(boolean swapped) {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("tiny_mlp", 0);
        Value x = b.input("input", new Shape(1, 32));
        Value h = b.linear("fc1", x, 64);
        h = b.op("layer_norm", "ln", Attributes.of().with("normalized_shape", new long[] {64})
                .with("eps", 1e-5).with("elementwise_affine", true), h);
        h = b.unary("gelu", "gelu", h);
        h = b.relu("relu", b.linear("fc2", h, 64));
        List<Value> parts = b.node("split", "split",
                Attributes.of().with("dim", 1).with("sizes", new long[] {32, 32}), h);
        Value fc3 = b.linear("fc3", parts.get(swapped ? 1 : 0), 16);
        Value fc4 = b.linear("fc4", parts.get(swapped ? 0 : 1), 16);
        Value cat = b.concat("cat", 1, fc3, fc4);
        b.output(b.linear("out", cat, 10));
        return b.build();
    }
}
