package ai.bonsai.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pruned graphs using the parameter, attention, LSTM and transposed-conv op types reload from a bundle. */
class NewOpTypesBundleTest {

    private static Graph model() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("seq", 4);
        Value tokens = b.linear("embed", b.input("x", new Shape(1, 4, 3)), 8);
        Value pos = b.op("parameter", "pos_embed", Attributes.of().with("shape", new long[] {1, 4, 8}));
        Value h = b.add("add_pos", tokens, pos);
        h = b.op("multihead_attention", "attn", Attributes.of().with("embed_dim", 8).with("num_heads", 2)
                .with("bias", true), h);
        h = b.op("lstm", "rnn", Attributes.of().with("hidden_size", 3).with("num_layers", 2)
                .with("bidirectional", true).with("bias", true).with("batch_first", true), h);
        Value map = b.op("reshape", "as_map", Attributes.of().with("shape", new long[] {-1, 6, 4}),
                b.op("permute", "channels_first", Attributes.of().with("dims", new long[] {0, 2, 1}), h));
        b.output(b.op("conv_transpose1d", "up", Attributes.of().with("out_channels", 2).with("kernel", new long[] {3})
                .with("stride", new long[] {2}).with("padding", new long[] {1}).with("dilation", new long[] {1})
                .with("output_padding", new long[] {1}).with("groups", 1).with("bias", true), map));
        return b.build();
    }

    @Test
    void prunedSequenceModelRoundTrips(@TempDir Path dir) {
        Path file = dir.resolve("seq.bonsai");
        try (Graph g = model(); NDManager m = NDManager.newBaseManager()) {
            DependencyGraph.build(g).getPruningGroup(g.node("attn"), PruningHandle.PRUNE_OUT, IndexSet.of(4, 5, 6, 7)).prune();
            DependencyGraph.build(g).getPruningGroup(g.node("rnn"), PruningHandle.PRUNE_OUT, IndexSet.of(1)).prune();
            assertThat(g.parameters().get("pos_embed").shape()).isEqualTo(new Shape(1, 4, 4));
            assertThat(g.parameters().get("up.weight").shape()).isEqualTo(new Shape(4, 2, 3));
            new BundleFormat().write(g, file);
            try (Graph back = new BundleFormat().read(file, PluginHost.classpathOnly().newGraphBuilder("back", 1))) {
                assertThat(back.parameters().keySet()).containsExactlyElementsOf(g.parameters().keySet());
                assertThat(back.node("attn").attributes()).isEqualTo(g.node("attn").attributes());
                assertThat(back.node("rnn").attributes().getLong("hidden_size")).isEqualTo(2);
                NDArray x = m.randomNormal(new Shape(1, 4, 3));
                NDArray expected = new GraphExecutor(g).forward(new NDList(x)).head();
                NDArray actual = new GraphExecutor(back).forward(new NDList(x)).head();
                assertThat(actual.getShape()).isEqualTo(new Shape(1, 2, 8));
                assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(1e-6f);
            }
        }
    }
}
