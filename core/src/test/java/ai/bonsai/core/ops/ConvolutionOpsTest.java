package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.forward;
import static ai.bonsai.core.ops.OpTesting.set;
import static ai.bonsai.core.testing.ConvAttributes.conv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvolutionOpsTest {

    @Test
    void conv1dSlidesTheKernelAlongTheLength() {
        GraphBuilder b = builder();
        b.output(b.op("conv1d", "c", conv(1, 1, 2, 1, 0, 1, true), b.input("x", new Shape(1, 1, 4))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.parameters().get("c.weight").shape()).isEqualTo(new Shape(1, 1, 2));
            set(g, "c", "weight", new float[] {1, -2}, new Shape(1, 1, 2));
            set(g, "c", "bias", new float[] {0.5f}, new Shape(1));
            NDArray y = forward(g.node("c"), false, m.create(new float[] {1, 2, 3, 5}, new Shape(1, 1, 4)));
            assertValues(y, new Shape(1, 1, 3), 1 - 4 + 0.5f, 2 - 6 + 0.5f, 3 - 10 + 0.5f);
            assertThat(g.node("c").op().macs(g.node("c"))).isEqualTo(2 * 1 * 1 * 3 + 3);
        }
    }

    @Test
    void conv3dSumsTheWholeCubeAndCountsMacs() {
        GraphBuilder b = builder();
        Value y = b.op("conv3d", "c", conv(3, 2, 2, 1, 0, 1, false), b.input("x", new Shape(1, 1, 2, 2, 3)));
        b.output(y);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(y.shape()).isEqualTo(new Shape(1, 2, 1, 1, 2));
            assertThat(y.channelDim()).isEqualTo(1);
            float[] w = new float[16];
            Arrays.fill(w, 0, 8, 1f);
            w[8] = 1;
            set(g, "c", "weight", w, new Shape(2, 1, 2, 2, 2));
            NDArray x = OpTesting.arange(m, new Shape(1, 1, 2, 2, 3));
            // channel 0 sums the 2x2x2 window at w=0 (0+1+3+4+6+7+9+10) and at w=1; channel 1 picks x[0,0,0]
            assertValues(forward(g.node("c"), false, x), new Shape(1, 2, 1, 1, 2), 40, 48, 0, 1);
            assertThat(g.node("c").op().macs(g.node("c"))).isEqualTo(8L * 1 * 2 * 2);
        }
    }

    @Test
    void convTranspose1dScattersEachInputThroughTheKernel() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 1, 2));
        b.output(b.op("conv_transpose1d", "plain", conv(1, 1, 3, 2, 0, 1, false), x));
        b.output(b.op("conv_transpose1d", "cropped", conv(1, 1, 3, 2, 1, 1, true), x));
        b.output(b.op("conv_transpose1d", "extended", conv(1, 1, 3, 2, 0, 1, false)
                .with("output_padding", new long[] {1}), x));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            for (String n : new String[] {"plain", "cropped", "extended"}) {
                set(g, n, "weight", new float[] {1, 2, 3}, new Shape(1, 1, 3));
            }
            set(g, "cropped", "bias", new float[] {10}, new Shape(1));
            NDArray in = m.create(new float[] {1, 2}, new Shape(1, 1, 2));
            // 1 * [1 2 3] at 0, 2 * [1 2 3] at 2
            assertValues(forward(g.node("plain"), false, in), new Shape(1, 1, 5), 1, 2, 5, 4, 6);
            assertValues(forward(g.node("cropped"), false, in), new Shape(1, 1, 3), 12, 15, 14);
            assertValues(forward(g.node("extended"), false, in), new Shape(1, 1, 6), 1, 2, 5, 4, 6, 0);
        }
    }

    @Test
    void convTranspose2dUsesTheInOutWeightLayoutWithoutFlippingItsEffect() {
        GraphBuilder b = builder();
        Value y = b.op("conv_transpose2d", "up", conv(2, 2, 2, 2, 0, 1, false), b.input("x", new Shape(1, 1, 2, 2)));
        b.output(y);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.parameters().get("up.weight").shape()).isEqualTo(new Shape(1, 2, 2, 2));
            assertThat(y.shape()).isEqualTo(new Shape(1, 2, 4, 4));
            set(g, "up", "weight", new float[] {1, 1, 1, 1, 1, 0, 0, 0}, new Shape(1, 2, 2, 2));
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            assertValues(forward(g.node("up"), false, x), new Shape(1, 2, 4, 4),
                    1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
                    1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0);
            assertThat(g.node("up").op().macs(g.node("up"))).isEqualTo(4L * 1 * 2 * 16);
        }
    }

    @Test
    void groupedTransposedConvMatchesPerGroupTransposedConvs() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 2, 2));
        b.output(b.op("conv_transpose1d", "g", conv(1, 4, 2, 1, 0, 2, false), x));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            // weight [in=2, out/groups=2, k=2]: input 0 feeds outputs 0-1, input 1 feeds outputs 2-3
            set(g, "g", "weight", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 2, 2));
            NDArray in = m.create(new float[] {1, 10, 100, 1000}, new Shape(1, 2, 2));
            assertValues(forward(g.node("g"), false, in), new Shape(1, 4, 3),
                    1, 12, 20, 3, 34, 40, 500, 5600, 6000, 700, 7800, 8000);
        }
    }

    @Test
    void transposedConvGradientsFlowToInputAndWeight() {
        GraphBuilder b = builder();
        b.output(b.op("conv_transpose2d", "up", conv(2, 1, 2, 2, 0, 1, true), b.input("x", new Shape(1, 1, 2, 2))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            Map<String, NDArray> grads = new GraphExecutor(g).gradients(new NDList(x), o -> o.head().sum(), false);
            // every output position sees exactly one input times one kernel entry: d sum / d w = sum(x)
            assertValues(grads.get("up.weight"), new Shape(1, 1, 2, 2), 10, 10, 10, 10);
            assertValues(grads.get("up.bias"), new Shape(1), 16);
        }
    }

    @Test
    void pruningTransposedConvRemovesWeightDimOneForOutputsAndZeroForInputs() {
        GraphBuilder b = builder();
        b.output(b.op("conv_transpose2d", "up", conv(2, 4, 3, 2, 1, 1, true), b.input("x", new Shape(1, 3, 4, 4))));
        try (DefaultGraph g = build(b)) {
            ChannelSemantics sem = g.node("up").op().channels(g.node("up"));
            assertThat(sem.coupling()).isEqualTo(Coupling.INDEPENDENT);
            assertThat(sem.inChannels()).isEqualTo(3);
            assertThat(sem.outChannels()).isEqualTo(4);
            g.node("up").op().pruneOut(editor(g, "up"), IndexSet.of(0, 2));
            g.node("up").op().pruneIn(editor(g, "up"), IndexSet.of(1));
            assertThat(g.node("up").parameter("weight").shape()).isEqualTo(new Shape(2, 2, 3, 3));
            assertThat(g.node("up").parameter("bias").shape()).isEqualTo(new Shape(2));
            assertThat(g.node("up").attributes().getLong("out_channels")).isEqualTo(2);
        }
    }

    @Test
    void depthwiseConvsOfEveryRankAreCoupledAndShrinkTheirGroups() {
        GraphBuilder b = builder();
        Value y1 = b.op("conv1d", "dw1", conv(1, 4, 3, 1, 1, 4, true), b.input("a", new Shape(1, 4, 5)));
        Value y3 = b.op("conv3d", "dw3", conv(3, 4, 1, 1, 0, 4, false), b.input("c", new Shape(1, 4, 2, 2, 2)));
        Value yt = b.op("conv_transpose1d", "dwt", conv(1, 4, 2, 2, 0, 4, true), b.input("d", new Shape(1, 4, 3)));
        b.output(y1, y3, yt);
        try (DefaultGraph g = build(b)) {
            for (String n : new String[] {"dw1", "dw3", "dwt"}) {
                assertThat(ConvolutionOp.isDepthwise(g.node(n))).as(n).isTrue();
                assertThat(g.node(n).op().channels(g.node(n)).coupling()).as(n).isEqualTo(Coupling.COUPLED);
                g.node(n).op().pruneIn(editor(g, n), IndexSet.of(1, 3));
                assertThat(g.node(n).parameter("weight").shape().get(0)).as(n).isEqualTo(2);
                assertThat(g.node(n).attributes().getLong("groups")).as(n).isEqualTo(2);
            }
            assertThat(g.node("dwt").parameter("weight").shape()).isEqualTo(new Shape(2, 1, 2));
        }
    }

    @Test
    void refusesWrongRanksTuplesAndOutputPadding() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 2, 4, 4));
        assertThatThrownBy(() -> b.op("conv1d", "c1", conv(1, 2, 3, 1, 0, 1, false), x))
                .isInstanceOf(GraphException.class).hasMessageContaining("'c1'").hasMessageContaining("rank 3");
        assertThatThrownBy(() -> b.op("conv2d", "c2", conv(1, 2, 3, 1, 0, 1, false), x))
                .isInstanceOf(GraphException.class).hasMessageContaining("'kernel' must have 2 entries");
        assertThatThrownBy(() -> b.op("conv_transpose2d", "t", conv(2, 2, 3, 1, 0, 1, false)
                .with("output_padding", new long[] {1, 1}), x))
                .isInstanceOf(GraphException.class).hasMessageContaining("output_padding 1");
    }

    @Test
    void transposedConvIsTheAdjointOfTheConvWithTheSameWeight() {
        GraphBuilder b = builder();
        Value y = b.op("conv_transpose2d", "t", conv(2, 3, 3, 2, 1, 1, false)
                .with("output_padding", new long[] {1, 0})
                .with("dilation", new long[] {1, 2}), b.input("x", new Shape(2, 2, 5, 4)));
        b.output(y);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            // (5-1)*2 - 2 + 1*2 + 1 + 1 = 10 and (4-1)*2 - 2 + 2*2 + 0 + 1 = 9, as PyTorch
            assertThat(y.shape()).isEqualTo(new Shape(2, 3, 10, 9));
            NDArray x = m.randomNormal(new Shape(2, 2, 5, 4));
            NDArray z = m.randomNormal(new Shape(2, 3, 10, 9));
            NDArray up = new GraphExecutor(g).forward(new NDList(x)).head();
            NDArray w = g.node("t").parameter("weight").array();
            NDArray down = z.getNDArrayInternal().convolution(z, w, null, new Shape(2, 2),
                    new Shape(1, 1), new Shape(1, 2), 1).head();
            // <T x, z> = <x, C z>: the transposed convolution is the adjoint of the convolution
            assertThat((double) up.mul(z).sum().getFloat())
                    .isCloseTo(x.mul(down).sum().getFloat(), within(1e-3));
        }
    }
}
