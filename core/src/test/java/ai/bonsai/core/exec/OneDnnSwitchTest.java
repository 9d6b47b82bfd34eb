package ai.bonsai.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.NativeMemoryChurn;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * libtorch's oneDNN computes a convolution's input gradient from uninitialised memory when the
 * output channels are few and not a multiple of 16 (NaN in a third of the elements or more,
 * depending on what the memory held), so backward passes run with oneDNN off. The freed memory is
 * filled with NaN patterns before each pass ({@link NativeMemoryChurn}) so that the fault shows
 * whenever the kernel reads it.
 */
class OneDnnSwitchTest {

    @Test
    void convolutionGradientsOfPrunedWidthsAreFiniteAndRepeatable() {
        for (int outChannels : new int[] {6, 10, 24}) {
            GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("odd_widths", 3);
            Value x = b.input("input", new Shape(2, 4, 6, 6));
            Value h = b.unary("hardswish", "hardswish", b.conv2d("conv", x, 16, 3, 1, 1));
            b.output(b.unary("relu6", "relu6", b.conv2d("conv2", h, outChannels, 3, 1, 1)));
            try (Graph graph = b.build(); NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(7);
                NDArray in = m.randomNormal(new Shape(2, 4, 6, 6));
                GraphExecutor exec = new GraphExecutor(graph);
                float[] first = null;
                for (int pass = 0; pass < 4; pass++) {
                    NativeMemoryChurn.churn();
                    Map<String, NDArray> g = exec.gradients(new NDList(in), out -> out.head().sum(),
                            true);
                    float[] conv = g.get("conv.weight").toFloatArray();
                    assertThat(conv).as("conv.weight gradient, %d output channels, pass %d",
                            outChannels, pass).doesNotContain(Float.NaN);
                    assertThat(g.get("conv.weight").abs().sum().getFloat()).isPositive();
                    if (first == null) {
                        first = conv;
                    } else {
                        assertThat(conv).as("pass %d equals pass 0", pass).containsExactly(first);
                    }
                }
            }
        }
    }

    @Test
    void aTrainingPassHoldsOneDnnOffUntilItsManagerCloses() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("hold", 4);
        b.output(b.conv2d("conv", b.input("input", new Shape(1, 3, 4, 4)), 5, 3, 1, 1));
        try (Graph graph = b.build(); NDManager m = NDManager.newBaseManager()) {
            GraphExecutor exec = new GraphExecutor(graph);
            boolean trusted = OneDnnSwitch.trusted();
            exec.forward(new NDList(m.ones(new Shape(1, 3, 4, 4))));
            assertThat(OneDnnSwitch.held()).isEqualTo(!trusted);
            assertThat(OneDnnSwitch.enabledInLibtorch()).isEqualTo(trusted);
            NDManager batch = m.newSubManager();
            exec.forward(new NDList(batch.ones(new Shape(1, 3, 4, 4))), true);
            assertThat(OneDnnSwitch.held()).isTrue();
            assertThat(OneDnnSwitch.enabledInLibtorch()).isFalse();
            batch.close();
            assertThat(OneDnnSwitch.held()).isEqualTo(!trusted);
            assertThat(OneDnnSwitch.enabledInLibtorch()).isEqualTo(trusted);
        }
    }

    @Test
    void batchedConvolutionsOfPrunedWidthsEqualAHandComputation() {
        for (int[] widths : new int[][] {{45, 64}, {20, 40}, {13, 32}}) {
            GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("widths", 5);
            b.output(b.conv2d("conv", b.input("input", new Shape(8, widths[0], 10, 10)), widths[1],
                    3, 1, 1));
            try (Graph graph = b.build(); NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(11);
                NDArray x = m.randomNormal(new Shape(8, widths[0], 10, 10));
                NDArray y = new GraphExecutor(graph).forward(new NDList(x)).head();
                NDArray w = graph.parameters().get("conv.weight").array();
                for (int n = 0; n < 8; n += 3) {
                    for (int o = 0; o < widths[1]; o += 7) {
                        float want = x.get(new NDIndex(n + ", :, 3:6, 4:7")).mul(w.get(o)).sum()
                                .getFloat();
                        assertThat(y.getFloat(n, o, 4, 5)).as("%d -> %d channels, batch %d, channel %d",
                                widths[0], widths[1], n, o).isCloseTo(want, within(1e-3f));
                    }
                }
            }
        }
    }
}
