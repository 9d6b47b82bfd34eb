package ai.bonsai.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.testing.PluginJars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.Extension;

/**
 * A user-defined layer: its own {@link OpType} (with its own pruning functions) in a plugin jar
 * compiled and packaged here, found at run time through {@link PluginHost}, and pruned through.
 */
class PluginJarOpTypeTest {

    private static final String SOURCE = """
            package com.example.layers;

            import ai.bonsai.api.graph.Attributes;
            import ai.bonsai.api.graph.GraphException;
            import ai.bonsai.api.graph.Node;
            import ai.bonsai.api.graph.ParameterSpec;
            import ai.bonsai.api.op.ChannelSemantics;
            import ai.bonsai.api.op.ForwardContext;
            import ai.bonsai.api.op.NodeEditor;
            import ai.bonsai.api.op.OpType;
            import ai.bonsai.api.prune.IndexSet;
            import ai.djl.ndarray.NDList;
            import ai.djl.ndarray.types.Shape;
            import java.util.List;
import java.util.Map;
            import org.pf4j.Extension;

            /** Scales every channel of an NCHW tensor by its own learned factor. */
            @Extension
            public final class ChannelScaleOp implements OpType {
                public String name() {
                    return "channel_scale";
                }

                public List<ParameterSpec> parameters(Attributes a, List<Shape> in) {
                    return List.of(ParameterSpec.weight("scale", new Shape(in.get(0).get(1)),
                            ParameterSpec.Init.uniformFanIn(1)));
                }

                public List<Shape> inferShapes(Node node, List<Shape> in) {
                    if (node.parameter("scale").shape().get(0) != in.get(0).get(1)) {
                        throw new GraphException("scale does not match the input's channels");
                    }
                    return List.of(in.get(0));
                }

                public NDList forward(Node node, NDList in, ForwardContext context) {
                    return new NDList(in.head().mul(node.parameter("scale").array().reshape(1, -1, 1, 1)));
                }

                public ChannelSemantics channels(Node node) {
                    return ChannelSemantics.passThrough(1, (int) node.input().shape().get(1));
                }

                public void pruneOut(NodeEditor editor, IndexSet idxs) {
                    editor.removeIndices("scale", 0, idxs);
                }

                public void pruneIn(NodeEditor editor, IndexSet idxs) {
                    pruneOut(editor, idxs);
                }

                public long macs(Node node) {
                    return node.input().shape().size();
                }
            }
            """;

    @TempDir
    static Path work;

    private static Path plugins;

    @BeforeAll
    static void buildPluginJar() throws IOException {
        plugins = PluginJars.build(work, "custom-layers", null,
                Map.of("com.example.layers.ChannelScaleOp", SOURCE),
                List.of("com.example.layers.ChannelScaleOp"),
                OpType.class, NDList.class, Extension.class).getParent();
    }

    private static Graph model(PluginHost host) {
        GraphBuilder b = host.newGraphBuilder("custom", 3);
        Value x = b.input("x", new Shape(1, 3, 6, 6));
        Value scaled = b.op("channel_scale", "scale", Attributes.of(), b.conv2d("conv1", x, 8, 3, 1, 1));
        b.output(b.conv2d("conv2", b.relu("relu", scaled), 4, 3, 1, 1));
        return b.build();
    }

    @Test
    void theLayerIsDiscoveredFromItsJarAndPrunedThrough() {
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build();
                Graph g = model(host); Graph masked = model(host); NDManager m = NDManager.newBaseManager()) {
            assertThat(host.pluginIds()).containsExactly("custom-layers");
            OpType op = host.opTypes().get("channel_scale");
            assertThat(op.getClass().getName()).isEqualTo("com.example.layers.ChannelScaleOp");
            assertThat(op.getClass().getClassLoader()).isNotSameAs(OpType.class.getClassLoader());
            assertThat(PluginHost.classpathOnly().opTypes().names()).doesNotContain("channel_scale");
            assertThat(g.node("scale").op().macs(g.node("scale"))).isEqualTo(8 * 36);

            IndexSet idxs = IndexSet.of(1, 6);
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("conv1"), PruningHandle.PRUNE_OUT, idxs);
            List<String> touched = group.members().stream().map(mb -> mb.node().name() + ":" + mb.handle().label())
                    .collect(Collectors.toList());
            assertThat(touched).containsExactly("conv1:prune_out_channels", "scale:prune_out_channels",
                    "relu:prune_out_channels", "conv2:prune_in_channels");
            group.prune();
            DependencyGraph.build(masked).getPruningGroup(masked.node("conv1"), PruningHandle.PRUNE_OUT, idxs).mask();

            assertThat(g.parameters().get("scale.scale").shape()).isEqualTo(new Shape(6));
            assertThat(g.node("scale").output().shape()).isEqualTo(new Shape(1, 6, 6, 6));
            assertThat(g.node("scale").op().macs(g.node("scale"))).isEqualTo(6 * 36);
            NDArray x = m.randomNormal(new Shape(1, 3, 6, 6));
            NDArray pruned = new GraphExecutor(g).forward(new NDList(x)).head();
            NDArray reference = new GraphExecutor(masked).forward(new NDList(x)).head();
            assertThat(pruned.sub(reference).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }
}
