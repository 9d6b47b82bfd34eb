package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 % local L2 pruning of the fixture with YOLOv8's defaults (where Torch-Pruning fails on C2f's
 * split): every convolution width is a multiple of 8, the Detect outputs and the DFL are
 * untouched, params and MACs equal the sums over the new shapes, and the pruned model runs and
 * reloads from its exported state dict and widths.
 */
class YoloPruningTest {

    @TempDir
    Path dir;

    static void prune(Graph g, double ratio) {
        new MetaPruner().start(g, YoloPruning.defaults(new MagnitudeImportance())
                .optRatio(ratio).build()).step();
    }

    @Test
    void halfLocalL2PrunesToMultiplesOfEightAndRuns() {
        try (Graph g = YoloFixture.read(); NDManager m = NDManager.newBaseManager()) {
            ModelCost before = OpCounter.count(g);
            prune(g, 0.5);
            ModelCost after = OpCounter.count(g);
            System.out.printf("yolov8t 50%% L2 local: params %d -> %d, MACs %d -> %d%n",
                    before.params(), after.params(), before.macs(), after.macs());
            assertThat(after.params()).isLessThan(before.params() * 6 / 10);

            for (Node n : g.nodes()) {
                if ("conv2d".equals(n.op().name())) {
                    assertThat(n.parameter("weight").shape().get(0) % 8).as(n.name()).isZero();
                }
            }
            for (int k = 0; k < 3; k++) {
                assertThat(g.parameters().get("model.22.cv2." + k + ".2.weight").shape())
                        .isEqualTo(new Shape(64, g.node("model.22.cv2." + k + ".2").input().shape().get(1), 1, 1));
                assertThat(g.parameters().get("model.22.cv3." + k + ".2.weight").shape().get(0)).isEqualTo(8);
            }
            assertThat(g.parameters().get("model.22.dfl.conv.weight").array().toFloatArray())
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            assertThat(g.parameters().get("model.22.cv2.0.0.conv.weight").shape().get(0))
                    .as("the head's inner convolutions are pruned").isLessThan(64);
            assertThat(YoloFormat.widths(g).splits().values())
                    .as("C2f splits keep two pieces, which may become unequal")
                    .allMatch(sizes -> sizes.size() == 2)
                    .anyMatch(sizes -> !sizes.get(0).equals(sizes.get(1)));

            assertThat(after.params()).isEqualTo(trainableElements(g));
            assertThat(convMacs(g)).isEqualTo(OpCounter.count(g).macs() - otherMacs(g));

            NDArray out = new GraphExecutor(g).forward(new NDList(YoloFixture.images(m))).head();
            assertThat(out.getShape()).isEqualTo(new Shape(1, 12, 525));
        }
    }

    @Test
    void exportedPrunedModelReloadsWithEqualOutputsAndCosts() {
        Path out = dir.resolve("pruned");
        try (Graph g = YoloFixture.read(); NDManager m = NDManager.newBaseManager()) {
            prune(g, 0.5);
            new YoloFormat().write(g, out, Map.of("ratio", "0.5"));
            assertThat(new YoloFormat().supports(out)).isTrue();
            Map<String, NDArray> written = Safetensors.read(out.resolve(YoloFormat.WEIGHTS), m);
            assertThat(written.keySet()).isEqualTo(g.parameters().keySet());
            long elements = written.entrySet().stream()
                    .filter(e -> g.parameters().get(e.getKey()).trainable())
                    .mapToLong(e -> e.getValue().size()).sum();
            assertThat(OpCounter.count(g).params()).isEqualTo(elements);

            try (Graph reloaded = YoloFixture.read(out)) {
                assertThat(OpCounter.count(reloaded)).isEqualTo(OpCounter.count(g));
                NDArray x = YoloFixture.images(m);
                NDArray a = new GraphExecutor(g).forward(new NDList(x)).head();
                NDArray b = new GraphExecutor(reloaded).forward(new NDList(x)).head();
                assertThat(a.contentEquals(b)).isTrue();
            }
            YoloConfig config = YoloConfigJson.read(out.resolve(YoloFormat.CONFIG));
            try (Graph fresh = YoloV8Builder.build(PluginHost.classpathOnly()
                    .newGraphBuilder("fresh", 3), config, 1, Map.of())) {
                assertThat(OpCounter.count(fresh)).isEqualTo(OpCounter.count(g));
            }
        }
    }

    static long trainableElements(Graph g) {
        return g.parameters().values().stream().filter(p -> p.trainable())
                .mapToLong(p -> p.shape().size()).sum();
    }

    /** Convolution MACs from weight and output shapes: k·k·(Cin/groups)·Cout·positions (+ bias). */
    static long convMacs(Graph g) {
        long macs = 0;
        for (Node n : g.nodes()) {
            if ("conv2d".equals(n.op().name())) {
                Shape w = n.parameter("weight").shape();
                Shape y = n.output().shape();
                long positions = y.get(0) * y.get(2) * y.get(3);
                macs += w.size() * positions;
                if (n.hasParameter("bias")) {
                    macs += y.get(1) * positions;
                }
            }
        }
        return macs;
    }

    /** MACs of the other nodes: batch norms 2·elements, pools input elements, upsamples output elements, DFL input elements. */
    static long otherMacs(Graph g) {
        long macs = 0;
        for (Node n : g.nodes()) {
            switch (n.op().name()) {
                case "batch_norm" -> macs += 2 * n.input().shape().size();
                case "max_pool2d", DflOp.NAME -> macs += n.input().shape().size();
                case "upsample" -> macs += n.output().shape().size();
                default -> macs += 0;
            }
        }
        return macs;
    }
}
