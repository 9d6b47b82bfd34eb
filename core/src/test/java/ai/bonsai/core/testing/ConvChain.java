package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;

/** A small seeded conv chain: a(16) → relu → b(16) → relu → c(8) → pool → flatten → fc(4). */
public final class ConvChain {

    private ConvChain() {
    }

    /**
     * Builds the chain (input 1×3×8×8) with weights of seed 5.
     *
     * @return the graph
     */
    public static Graph build() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("chain", 5);
        Value x = b.input("x", new Shape(1, 3, 8, 8));
        Value h = b.relu("ra", b.conv2d("a", x, 16, 3, 1, 1));
        h = b.relu("rb", b.conv2d("b", h, 16, 3, 1, 1));
        h = b.conv2d("c", h, 8, 3, 1, 1);
        b.output(b.linear("fc", b.flatten("flat", b.adaptiveAvgPool2d("pool", h, 1, 1)), 4));
        return b.build();
    }
}
