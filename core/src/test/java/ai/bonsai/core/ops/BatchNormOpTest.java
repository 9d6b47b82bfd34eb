package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.forward;
import static ai.bonsai.core.ops.OpTesting.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchNormOpTest {

    private static final double EPS = 1e-5;

    /** Channel-major values of x (N=4, C=2): channel 0 then channel 1. */
    private static final double[][] BATCH = {{1, 2, 3, 6}, {0, -2, 4, 2}};

    private static DefaultGraph bn(Shape input, boolean affine) {
        GraphBuilder b = builder();
        Value x = b.input("x", input);
        b.output(affine ? b.batchNorm("bn", x) : b.op("batch_norm", "bn",
                Attributes.of().with("eps", EPS).with("momentum", 0.1).with("affine", false), x));
        return build(b);
    }

    private static NDArray batch(NDManager m) {
        float[] rowMajor = new float[8];
        for (int n = 0; n < 4; n++) {
            for (int c = 0; c < 2; c++) {
                rowMajor[n * 2 + c] = (float) BATCH[c][n];
            }
        }
        return m.create(rowMajor, new Shape(4, 2));
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sumSquares(double[] v) {
        double mu = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - mu) * (x - mu);
        }
        return s;
    }

    @Test
    void declaresPyTorchParametersAndBuffers() {
        try (DefaultGraph g = bn(new Shape(2, 3, 4, 4), true)) {
            Map<String, Parameter> p = g.parameters();
            assertThat(p).containsOnlyKeys("bn.weight", "bn.bias", "bn.running_mean",
                    "bn.running_var", "bn.num_batches_tracked");
            assertValues(p.get("bn.weight").array(), new Shape(3), 1, 1, 1);
            assertValues(p.get("bn.bias").array(), new Shape(3), 0, 0, 0);
            assertValues(p.get("bn.running_mean").array(), new Shape(3), 0, 0, 0);
            assertValues(p.get("bn.running_var").array(), new Shape(3), 1, 1, 1);
            assertThat(p.get("bn.weight").trainable()).isTrue();
            assertThat(p.get("bn.running_mean").trainable()).isFalse();
            Parameter tracked = p.get("bn.num_batches_tracked");
            assertThat(tracked.trainable()).isFalse();
            assertThat(tracked.dataType()).isEqualTo(DataType.INT64);
            assertThat(tracked.shape()).isEqualTo(new Shape());
            assertThat(tracked.array().getLong()).isZero();
            assertThat(g.node("bn").output().shape()).isEqualTo(new Shape(2, 3, 4, 4));
            assertThat(g.node("bn").output().channelDim()).isEqualTo(1);
        }
        try (DefaultGraph g = bn(new Shape(2, 3), false)) {
            assertThat(g.parameters()).containsOnlyKeys("bn.running_mean", "bn.running_var",
                    "bn.num_batches_tracked");
        }
    }

    @Test
    void evalNormalizesWithRunningStatisticsAndLeavesThem() {
        try (DefaultGraph g = bn(new Shape(4, 2), true); NDManager m = NDManager.newBaseManager()) {
            double[] rm = {0.5, -1};
            double[] rv = {2, 0.5};
            double[] w = {2, 0.5};
            double[] bias = {1, -1};
            set(g, "bn", "running_mean", new float[] {0.5f, -1}, new Shape(2));
            set(g, "bn", "running_var", new float[] {2, 0.5f}, new Shape(2));
            set(g, "bn", "weight", new float[] {2, 0.5f}, new Shape(2));
            set(g, "bn", "bias", new float[] {1, -1}, new Shape(2));
            float[] expected = new float[8];
            for (int n = 0; n < 4; n++) {
                for (int c = 0; c < 2; c++) {
                    expected[n * 2 + c] = (float) ((BATCH[c][n] - rm[c]) / Math.sqrt(rv[c] + EPS)
                            * w[c] + bias[c]);
                }
            }
            Node node = g.node("bn");
            assertValues(forward(node, false, batch(m)), new Shape(4, 2), expected);
            assertValues(node.parameter("running_mean").array(), new Shape(2), 0.5f, -1);
            assertValues(node.parameter("running_var").array(), new Shape(2), 2, 0.5f);
            assertThat(node.parameter("num_batches_tracked").array().getLong()).isZero();
        }
    }

    @Test
    void trainingUsesBatchStatisticsAndUpdatesRunningStatisticsAsPyTorch() {
        try (DefaultGraph g = bn(new Shape(4, 2), true); NDManager m = NDManager.newBaseManager()) {
            double[] rm = {0.5, -1};
            double[] rv = {2, 0.5};
            double[] w = {2, 0.5};
            double[] bias = {1, -1};
            set(g, "bn", "running_mean", new float[] {0.5f, -1}, new Shape(2));
            set(g, "bn", "running_var", new float[] {2, 0.5f}, new Shape(2));
            set(g, "bn", "weight", new float[] {2, 0.5f}, new Shape(2));
            set(g, "bn", "bias", new float[] {1, -1}, new Shape(2));
            float[] expected = new float[8];
            float[] runningMean = new float[2];
            float[] runningVar = new float[2];
            for (int c = 0; c < 2; c++) {
                double mu = mean(BATCH[c]);
                double biased = sumSquares(BATCH[c]) / 4;
                for (int n = 0; n < 4; n++) {
                    expected[n * 2 + c] = (float) ((BATCH[c][n] - mu) / Math.sqrt(biased + EPS) * w[c]
                            + bias[c]);
                }
                runningMean[c] = (float) (0.9 * rm[c] + 0.1 * mu);
                runningVar[c] = (float) (0.9 * rv[c] + 0.1 * sumSquares(BATCH[c]) / 3);
            }
            Node node = g.node("bn");
            assertValues(forward(node, true, batch(m)), new Shape(4, 2), expected);
            assertValues(node.parameter("running_mean").array(), new Shape(2), runningMean);
            assertValues(node.parameter("running_var").array(), new Shape(2), runningVar);
            assertThat(node.parameter("num_batches_tracked").array().getLong()).isEqualTo(1);
            forward(node, true, batch(m));
            assertThat(node.parameter("num_batches_tracked").array().getLong()).isEqualTo(2);
        }
    }

    @Test
    void trainingNormalizesFourDimensionalInputPerChannelWithoutAffine() {
        try (DefaultGraph g = bn(new Shape(2, 2, 1, 2), false);
                NDManager m = NDManager.newBaseManager()) {
            // x[n, c, 0, w]: channel 0 holds {1, 3, 5, 7}, channel 1 holds {2, 2, 4, 8}
            NDArray x = m.create(new float[] {1, 3, 2, 2, 5, 7, 4, 8}, new Shape(2, 2, 1, 2));
            double[][] byChannel = {{1, 3, 5, 7}, {2, 2, 4, 8}};
            float[] expected = new float[8];
            float[] runningMean = new float[2];
            float[] runningVar = new float[2];
            for (int c = 0; c < 2; c++) {
                double mu = mean(byChannel[c]);
                double sd = Math.sqrt(sumSquares(byChannel[c]) / 4 + EPS);
                for (int n = 0; n < 2; n++) {
                    for (int k = 0; k < 2; k++) {
                        expected[n * 4 + c * 2 + k] = (float) ((byChannel[c][n * 2 + k] - mu) / sd);
                    }
                }
                runningMean[c] = (float) (0.1 * mu);
                runningVar[c] = (float) (0.9 + 0.1 * sumSquares(byChannel[c]) / 3);
            }
            Node node = g.node("bn");
            assertValues(forward(node, true, x), new Shape(2, 2, 1, 2), expected);
            assertValues(node.parameter("running_mean").array(), new Shape(2), runningMean);
            assertValues(node.parameter("running_var").array(), new Shape(2), runningVar);
        }
    }

    @Test
    void channelsPassThroughDimensionOne() {
        try (DefaultGraph g = bn(new Shape(2, 3, 4, 4), true)) {
            Node node = g.node("bn");
            assertThat(node.op().channels(node)).isEqualTo(ChannelSemantics.passThrough(1, 3));
        }
    }

    @Test
    void pruningRemovesEveryPerChannelTensorWithItsProducer() {
        GraphBuilder b = builder();
        Value y = b.batchNorm("bn", b.conv2d("conv", b.input("x", new Shape(1, 2, 3, 3)), 4, 1, 1, 0));
        b.output(y);
        try (DefaultGraph g = build(b)) {
            set(g, "bn", "weight", new float[] {1, 2, 3, 4}, new Shape(4));
            set(g, "bn", "bias", new float[] {5, 6, 7, 8}, new Shape(4));
            set(g, "bn", "running_mean", new float[] {9, 10, 11, 12}, new Shape(4));
            set(g, "bn", "running_var", new float[] {13, 14, 15, 16}, new Shape(4));
            IndexSet idxs = IndexSet.of(0, 2);
            g.node("conv").op().pruneOut(editor(g, "conv"), idxs);
            g.node("bn").op().pruneIn(editor(g, "bn"), idxs);
            g.refresh();
            Node bn = g.node("bn");
            assertValues(bn.parameter("weight").array(), new Shape(2), 2, 4);
            assertValues(bn.parameter("bias").array(), new Shape(2), 6, 8);
            assertValues(bn.parameter("running_mean").array(), new Shape(2), 10, 12);
            assertValues(bn.parameter("running_var").array(), new Shape(2), 14, 16);
            assertThat(y.shape()).isEqualTo(new Shape(1, 2, 3, 3));
            assertThat(bn.op().channels(bn)).isEqualTo(ChannelSemantics.passThrough(1, 2));
        }
    }

    @Test
    void namesTheParameterThatDisagreesWithTheInput() {
        try (DefaultGraph g = bn(new Shape(2, 4, 3, 3), true)) {
            g.node("bn").op().pruneOut(editor(g, "bn"), IndexSet.of(1));
            assertThatThrownBy(g::refresh)
                    .isInstanceOf(GraphException.class)
                    .hasMessageContaining("node 'bn' (batch_norm)")
                    .hasMessageContaining("input (2, 4, 3, 3) has 4 channels, weight has 3");
        }
    }

    @Test
    void macsAreTwiceTheInputElementsWhenAffine() {
        try (DefaultGraph g = bn(new Shape(2, 3, 4, 4), true)) {
            assertThat(g.node("bn").op().macs(g.node("bn"))).isEqualTo(2 * 96);
        }
        try (DefaultGraph g = bn(new Shape(2, 3, 4, 4), false)) {
            assertThat(g.node("bn").op().macs(g.node("bn"))).isEqualTo(96);
        }
    }
}
