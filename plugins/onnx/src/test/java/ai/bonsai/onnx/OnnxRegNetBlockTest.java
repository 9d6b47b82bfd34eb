package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two RegNet-X blocks (torchvision's {@code ResBottleneckBlock} without squeeze-excitation,
 * bottleneck multiplier 1, group width 8: 1×1 conv, 3×3 conv in width / 8 groups, 1×1 conv, each
 * with BN; a projection shortcut where the stride or width changes), written as ONNX, read back
 * and pruned 50 % with Torch-Pruning's setting (L2, local, classifier ignored, a grouped conv's
 * groups kept with the same channels pruned in each): the parameter count is the one derived by
 * hand below, and the pruned file runs in ONNX Runtime as Bonsai's DJL execution does.
 */
class OnnxRegNetBlockTest {

    @TempDir
    Path dir;

    private static Value convBn(GraphBuilder b, String name, Value x, int out, int kernel, int stride, int groups) {
        return b.batchNorm(name + ".bn", b.conv2d(name, x, out, kernel, stride, kernel / 2, 1, groups, false));
    }

    /** One block: a (1×1), b (3×3, out / 8 groups, stride), c (1×1), shortcut, add, ReLU. */
    private static Value block(GraphBuilder b, String name, Value x, int out, int stride) {
        Value h = b.relu(name + ".a.relu", convBn(b, name + ".a", x, out, 1, 1, 1));
        h = b.relu(name + ".b.relu", convBn(b, name + ".b", h, out, 3, stride, out / 8));
        h = convBn(b, name + ".c", h, out, 1, 1, 1);
        Value shortcut = x.shape().get(1) == out && stride == 1 ? x : convBn(b, name + ".proj", x, out, 1, stride, 1);
        return b.relu(name + ".relu", b.add(name + ".add", shortcut, h));
    }

    /** stem (3 → 16, 3×3, stride 2), block1 (16 → 32, stride 2), block2 (32 → 32), pool, fc (32 → 10). */
    private Path model() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("regnet_x", 11);
        Value x = b.input("input", new Shape(1, 3, 16, 16));
        Value h = b.relu("stem.relu", convBn(b, "stem", x, 16, 3, 2, 1));
        h = block(b, "block1", h, 32, 2);
        h = block(b, "block2", h, 32, 1);
        b.output(b.linear("fc", b.flatten("flatten", b.adaptiveAvgPool2d("pool", h, 1, 1)), 10));
        Path file = dir.resolve("regnet_x.onnx");
        try (Graph g = b.build()) {
            new OnnxFormat().write(g, file);
        }
        return file;
    }

    @Test
    void halfOfEveryWidthGoesAndTheGroupedConvsKeepTheirGroups() throws Exception {
        Path source = model();
        Path pruned = dir.resolve("regnet_x.pruned.onnx");
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            // convs: stem 16·3·9 = 432; block1 proj 16·32 = 512, a 512, b 32·(32/4)·9 = 2,304, c 1,024;
            // block2 a 1,024, b 2,304, c 1,024 (9,136); BN weight and bias 2·16 + 7·2·32 = 480;
            // fc 32·10 + 10 = 330.
            assertThat(OpCounter.count(g).params()).isEqualTo(9_136 + 480 + 330);
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 3, 16, 16));
            assertThat(Ort.maxAbsDiff(Ort.run(source, "input", x),
                    new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray())).isLessThan(1e-4f);

            OnnxParityTest.prune(g, "fc");
            // stem 16 → 8; the residual stream 32 → 16; each a/b width 32 → 16, 4 of the 8
            // channels of every group of the grouped b convs' input and output kept (groups stay 4).
            assertThat(g.node("block1.b").parameter("weight").shape()).isEqualTo(new Shape(16, 4, 3, 3));
            assertThat(g.node("block2.b").parameter("weight").shape()).isEqualTo(new Shape(16, 4, 3, 3));
            assertThat(g.node("block1.b").attributes().getLong("groups")).isEqualTo(4);
            assertThat(g.node("block1.proj").parameter("weight").shape()).isEqualTo(new Shape(16, 8, 1, 1));
            assertThat(g.node("fc").parameter("weight").shape()).isEqualTo(new Shape(10, 16));
            // convs: stem 8·27 = 216; proj 8·16 = 128, a 128, b 16·4·9 = 576, c 256; block2 a 256,
            // b 576, c 256 (2,392); BN 2·8 + 7·2·16 = 240; fc 16·10 + 10 = 170.
            assertThat(OpCounter.count(g).params()).isEqualTo(2_392 + 240 + 170);
            new OnnxFormat().write(g, pruned);
            assertThat(Ort.maxAbsDiff(Ort.run(pruned, "input", x),
                    new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray())).isLessThan(1e-4f);
        }
    }
}
