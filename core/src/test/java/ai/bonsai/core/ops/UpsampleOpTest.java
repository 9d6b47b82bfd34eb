package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.arange;
import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.forward;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class UpsampleOpTest {

    private static Value up(GraphBuilder b, Value x, String mode, long h, long w) {
        return b.op("upsample", "up", Attributes.of().with("scale", new long[] {h, w})
                .with("mode", mode), x);
    }

    @Test
    void nearestRepeatsEveryRowAndColumn() {
        GraphBuilder b = builder();
        Value y = up(b, b.input("x", new Shape(1, 1, 2, 2)), "nearest", 2, 3);
        b.output(y);
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            assertThat(y.shape()).isEqualTo(new Shape(1, 1, 4, 6));
            assertValues(forward(g.node("up"), false, arange(m, new Shape(1, 1, 2, 2))),
                    new Shape(1, 1, 4, 6),
                    0, 0, 0, 1, 1, 1,
                    0, 0, 0, 1, 1, 1,
                    2, 2, 2, 3, 3, 3,
                    2, 2, 2, 3, 3, 3);
        }
    }

    /**
     * PyTorch's source coordinate of each output index with align_corners=false: {@code (dst +
     * 0.5) / scale - 0.5}, clamped to the input.
     */
    private static double[] sources(long in, long scale) {
        double[] src = new double[Math.toIntExact(in * scale)];
        for (int d = 0; d < src.length; d++) {
            src[d] = Math.min(Math.max((d + 0.5) / scale - 0.5, 0), in - 1);
        }
        return src;
    }

    @Test
    void bilinearMatchesPyTorchsCoordinatesWithoutAlignedCorners() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 1, 2, 3));
        b.output(b.op("upsample", "up", Attributes.of().with("scale", new long[] {3, 2})
                .with("mode", "bilinear").with("align_corners", false), x));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            // x[h][w] = 3h + w is linear, so bilinear interpolation is 3 src_h + src_w
            double[] rows = sources(2, 3);
            double[] cols = sources(3, 2);
            float[] expected = new float[rows.length * cols.length];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < cols.length; j++) {
                    expected[i * cols.length + j] = (float) (3 * rows[i] + cols[j]);
                }
            }
            assertValues(forward(g.node("up"), false, arange(m, new Shape(1, 1, 2, 3))),
                    new Shape(1, 1, 6, 6), expected);
        }
    }

    @Test
    void bilinearWithAlignedCornersIsRefused() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 1, 2, 2));
        assertThatThrownBy(() -> b.op("upsample", "up", Attributes.of()
                .with("scale", new long[] {2, 2}).with("mode", "bilinear")
                .with("align_corners", true), x))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'up' (upsample)")
                .hasMessageContaining("bilinear with align_corners=true is not supported");
    }

    @Test
    void otherModesAreRefused() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 1, 2, 2));
        assertThatThrownBy(() -> up(b, x, "bicubic", 2, 2))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'up' (upsample)")
                .hasMessageContaining("mode 'bicubic' is not supported, only 'nearest' and "
                        + "'bilinear'");
    }

    @Test
    void channelsPassThroughDimensionOneAndMacsAreTheOutputElements() {
        GraphBuilder b = builder();
        b.output(up(b, b.conv2d("conv", b.input("x", new Shape(1, 2, 3, 3)), 4, 1, 1, 0),
                "nearest", 2, 2));
        try (DefaultGraph g = build(b)) {
            Node node = g.node("up");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 4));
            assertThat(node.op().macs(node)).isEqualTo(4 * 6 * 6);
            IndexSet idxs = IndexSet.of(1, 2);
            g.node("conv").op().pruneOut(editor(g, "conv"), idxs);
            node.op().pruneIn(editor(g, "up"), idxs);
            g.refresh();
            assertThat(node.output().shape()).isEqualTo(new Shape(1, 2, 6, 6));
            assertThat(node.op().macs(node)).isEqualTo(2 * 6 * 6);
        }
    }
}
