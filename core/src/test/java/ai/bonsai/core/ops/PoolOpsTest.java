package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.arange;
import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PoolOpsTest {

    private static Attributes window(int kernel, int stride, int padding, boolean ceil) {
        return Attributes.of()
                .with("kernel", new long[] {kernel, kernel})
                .with("stride", new long[] {stride, stride})
                .with("padding", new long[] {padding, padding})
                .with("ceil_mode", ceil);
    }

    @ParameterizedTest
    @CsvSource({
        "5, 3, 2, 1, false, 3",
        "6, 3, 2, 0, false, 2",
        "6, 3, 2, 0, true, 3",
        "5, 2, 2, 1, true, 3",
        "5, 2, 2, 1, false, 3",
        "7, 3, 3, 1, true, 3",
        "8, 3, 3, 0, true, 3",
        "4, 2, 2, 0, true, 2"})
    void outputSizeFollowsPyTorchAndMatchesTheEngine(int in, int k, int s, int p, boolean ceil,
            int expected) {
        for (String op : new String[] {"max_pool2d", "avg_pool2d"}) {
            GraphBuilder b = builder();
            Value y = b.op(op, "pool", window(k, s, p, ceil), b.input("x", new Shape(1, 2, in, in)));
            b.output(y);
            try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
                assertThat(y.shape()).as(op).isEqualTo(new Shape(1, 2, expected, expected));
                NDArray out = forward(g.node("pool"), false, arange(m, new Shape(1, 2, in, in)));
                assertThat(out.getShape()).as(op).isEqualTo(y.shape());
            }
        }
    }

    @Test
    void maxPoolNeverPicksPadding() {
        GraphBuilder b = builder();
        b.output(b.maxPool2d("pool", b.input("x", new Shape(1, 1, 4, 4)), 3, 2, 1));
        b.output(b.maxPool2d("plain", b.input("x2", new Shape(1, 1, 4, 4)), 2, 2, 0));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            NDArray negative = arange(m, new Shape(1, 1, 4, 4)).add(1).neg();
            assertValues(forward(g.node("pool"), false, negative), new Shape(1, 1, 2, 2),
                    -1, -2, -5, -6);
            assertValues(forward(g.node("plain"), false, arange(m, new Shape(1, 1, 4, 4))),
                    new Shape(1, 1, 2, 2), 5, 7, 13, 15);
        }
    }

    @Test
    void avgPoolCountsPaddingUnlessTold() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 1, 4, 4));
        b.output(b.avgPool2d("incl", x, 3, 2, 1), b.avgPool2d("plain", x, 2, 2, 0),
                b.op("avg_pool2d", "excl", window(3, 2, 1, false).with("count_include_pad", false), x),
                b.op("avg_pool2d", "exclCeil", window(3, 2, 1, true).with("count_include_pad", false), x));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertValues(forward(g.node("plain"), false, arange(m, new Shape(1, 1, 4, 4))),
                    new Shape(1, 1, 2, 2), 2.5f, 4.5f, 10.5f, 12.5f);
            assertValues(forward(g.node("incl"), false, arange(m, new Shape(1, 1, 4, 4))),
                    new Shape(1, 1, 2, 2), 10f / 9, 24f / 9, 51f / 9, 10);
            assertValues(forward(g.node("excl"), false, arange(m, new Shape(1, 1, 4, 4))),
                    new Shape(1, 1, 2, 2), 2.5f, 4, 8.5f, 10);
            assertValues(forward(g.node("exclCeil"), false, arange(m, new Shape(1, 1, 4, 4))),
                    new Shape(1, 1, 3, 3), 2.5f, 4, 5, 8.5f, 10, 11, 12.5f, 14, 15);
        }
    }

    @Test
    void adaptiveAveragePoolAveragesPyTorchWindows() {
        GraphBuilder b = builder();
        Value global = b.adaptiveAvgPool2d("global", b.input("x", new Shape(1, 2, 2, 2)), 1, 1);
        Value square = b.adaptiveAvgPool2d("square", b.input("x2", new Shape(1, 1, 3, 3)), 2, 2);
        Value wide = b.adaptiveAvgPool2d("wide", b.input("x3", new Shape(1, 1, 2, 4)), 1, 2);
        b.output(global, square, wide);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(global.shape()).isEqualTo(new Shape(1, 2, 1, 1));
            assertThat(square.shape()).isEqualTo(new Shape(1, 1, 2, 2));
            assertValues(forward(g.node("global"), false, arange(m, new Shape(1, 2, 2, 2))),
                    new Shape(1, 2, 1, 1), 1.5f, 5.5f);
            assertValues(forward(g.node("square"), false, arange(m, new Shape(1, 1, 3, 3))),
                    new Shape(1, 1, 2, 2), 2, 3, 5, 6);
            assertValues(forward(g.node("wide"), false, arange(m, new Shape(1, 1, 2, 4))),
                    new Shape(1, 1, 1, 2), 2.5f, 4.5f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"max", "avg", "adaptive"})
    void channelsPassThroughAndMacsAreInputElements(String kind) {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(2, 3, 6, 6));
        Value y = switch (kind) {
            case "max" -> b.maxPool2d("pool", x, 2, 2, 0);
            case "avg" -> b.avgPool2d("pool", x, 2, 2, 0);
            default -> b.adaptiveAvgPool2d("pool", x, 1, 1);
        };
        b.output(y);
        try (DefaultGraph g = build(b)) {
            Node pool = g.node("pool");
            assertThat(pool.op().channels(pool)).isEqualTo(ChannelSemantics.passThrough(1, 3));
            assertThat(y.channelDim()).isEqualTo(1);
            assertThat(pool.op().macs(pool)).isEqualTo(2 * 3 * 6 * 6);
        }
    }

    @Test
    void rejectsPaddingOverHalfTheKernelAndBadOutputSizes() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 1, 4, 4));
        assertThatThrownBy(() -> b.maxPool2d("pool", x, 2, 2, 2))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'pool' (max_pool2d)")
                .hasMessageContaining("padding 2 must be at most half the kernel 2");
        assertThatThrownBy(() -> b.avgPool2d("big", x, 7, 1, 1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'big' (avg_pool2d)")
                .hasMessageContaining("does not fit input length 4");
        assertThatThrownBy(() -> b.adaptiveAvgPool2d("ada", x, 0, 2))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'ada' (adaptive_avg_pool2d)")
                .hasMessageContaining("output_size must be positive, found [0, 2]");
        assertThatThrownBy(() -> b.maxPool2d("flat", b.input("v", new Shape(1, 4)), 2, 2, 0))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("input must have rank 4, found (1, 4)");
    }
}
