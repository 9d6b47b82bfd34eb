package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ResNeXt-50 32x4d: torchvision's parameter count, and 50 % local L2 pruning (fc ignored) to
 * Torch-Pruning's 6.8 M parameters, its 3x3 convolutions keeping their 32 groups.
 */
class ResNeXtPruningTest {

    /**
     * Counts the trainable parameters of ResNeXt-50 32x4d with every width scaled by {@code
     * 1 / divisor}: stem conv 7x7 and its batch norm; per bottleneck a 1x1 reduce to {@code
     * width}, a 3x3 conv in 32 groups ({@code width / 32} inputs per output), a 1x1 expand to
     * {@code out}, each with a batch norm (weight and bias), and a 1x1 downsample with its batch
     * norm in each stage's first block; fc 1000 with bias.
     */
    private static long resnext50Params(int divisor) {
        long stem = 64 / divisor;
        long params = stem * 3 * 7 * 7 + 2 * stem;
        long in = stem;
        int[] blocks = {3, 4, 6, 3};
        for (int stage = 0; stage < 4; stage++) {
            long planes = 64L << stage;
            long width = planes * 4 / 64 * 32 / divisor;
            long out = planes * 4 / divisor;
            for (int i = 0; i < blocks[stage]; i++) {
                params += width * in + 2 * width;
                params += width * (width / 32) * 3 * 3 + 2 * width;
                params += out * width + 2 * out;
                if (i == 0) {
                    params += out * in + 2 * out;
                }
                in = out;
            }
        }
        return params + 1000 * in + 1000;
    }

    @Test
    void halfOfEveryGroupGivesTorchPruningsParameterCount() {
        try (DefaultGraph g = TestGraphs.build("resnext50_32x4d"); NDManager m = NDManager.newBaseManager()) {
            assertThat(OpCounter.count(g).params()).isEqualTo(resnext50Params(1)).isEqualTo(25_028_904L);
            assertThat(TestGraphs.dims(g.node("layer1.0.conv2").parameter("weight").shape()))
                    .containsExactly(128L, 4L, 3L, 3L);

            new MetaPruner().start(g, PruningConfig.builder().setImportance(new MagnitudeImportance())
                    .optRatio(0.5).optIgnoredLayers(List.of("fc")).build()).step();

            // Every group halves: the grouped 3x3 convs' groups have 4, 8, 16 and 32 channels per
            // stage, so int(n x 0.5) per conv group is exactly half, and every width halves.
            assertThat(OpCounter.count(g).params()).isEqualTo(resnext50Params(2)).isEqualTo(6_789_384L);
            assertThat(TestGraphs.dims(g.node("layer1.0.conv2").parameter("weight").shape()))
                    .containsExactly(64L, 2L, 3L, 3L);
            assertThat(TestGraphs.dims(g.node("layer4.2.conv2").parameter("weight").shape()))
                    .containsExactly(512L, 16L, 3L, 3L);
            assertThat(g.node("layer4.2.conv2").attributes().getLong("groups")).isEqualTo(32);
            assertThat(TestGraphs.dims(new GraphExecutor(g)
                    .forward(new NDList(m.randomNormal(TestGraphs.IMAGE))).head().getShape()))
                    .containsExactly(1L, 1000L);
        }
    }
}
