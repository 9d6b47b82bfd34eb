package ai.bonsai.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphExecutorTest {

    private static Graph linearNet() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("mlp", 3);
        Value x = b.input("x", new Shape(4, 3));
        Value h = b.batchNorm("bn", b.linear("fc1", x, 5));
        b.output(b.linear("fc2", b.relu("relu", h), 2));
        return b.build();
    }

    @Test
    void gradientsOfTheOutputSumMatchTheClosedForm() {
        try (Graph g = linearNet(); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(4, 3));
            Map<String, NDArray> grads = new GraphExecutor(g)
                    .gradients(new NDList(x), out -> out.head().sum(), false);
            assertThat(grads).containsOnlyKeys("fc1.weight", "fc1.bias", "bn.weight", "bn.bias",
                    "fc2.weight", "fc2.bias");
            assertThat(grads.get("fc2.bias").toFloatArray()).containsExactly(4f, 4f);
            NDArray hidden = relu(g, x);
            NDArray expected = hidden.sum(new int[] {0}).expandDims(0).repeat(0, 2);
            assertThat(grads.get("fc2.weight").sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
            Map<String, NDArray> again = new GraphExecutor(g)
                    .gradients(new NDList(x), out -> out.head().sum(), false);
            assertThat(again.get("fc2.bias").toFloatArray()).containsExactly(4f, 4f);
        }
    }

    private static NDArray relu(Graph g, NDArray x) {
        NDArray w1 = g.node("fc1").parameter("weight").array();
        NDArray b1 = g.node("fc1").parameter("bias").array();
        NDArray h = x.matMul(w1.transpose()).add(b1);
        NDArray mean = g.node("bn").parameter("running_mean").array();
        NDArray var = g.node("bn").parameter("running_var").array();
        NDArray gamma = g.node("bn").parameter("weight").array();
        NDArray beta = g.node("bn").parameter("bias").array();
        NDArray bn = h.sub(mean).div(var.add(1e-5).sqrt()).mul(gamma).add(beta);
        return bn.maximum(0f);
    }

    @Test
    void trainingModeUpdatesBatchNormStatistics() {
        try (Graph g = linearNet(); NDManager m = NDManager.newBaseManager()) {
            NDArray before = g.node("bn").parameter("running_mean").array().duplicate();
            new GraphExecutor(g).forward(new NDList(m.randomNormal(new Shape(4, 3))), true);
            NDArray after = g.node("bn").parameter("running_mean").array();
            assertThat(after.sub(before).abs().max().getFloat()).isGreaterThan(0f);
            assertThat(g.node("bn").parameter("num_batches_tracked").array().getLong()).isEqualTo(1L);
            new GraphExecutor(g).forward(new NDList(m.randomNormal(new Shape(4, 3))));
            assertThat(g.node("bn").parameter("num_batches_tracked").array().getLong()).isEqualTo(1L);
        }
    }

    @Test
    void outputsLiveInTheCallersManagerAndIntermediatesAreFreed() {
        try (Graph g = linearNet(); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(4, 3));
            GraphExecutor exec = new GraphExecutor(g);
            NDList out = exec.forward(new NDList(x));
            assertThat(out.head().getManager()).isSameAs(m);
            int managed = m.getManagedArrays().size();
            for (int i = 0; i < 50; i++) {
                exec.forward(new NDList(x)).close();
            }
            assertThat(m.getManagedArrays()).hasSize(managed);
            assertThat(x.isReleased()).isFalse();
        }
    }

    @Test
    void rejectsInputsOfTheWrongShape() {
        try (Graph g = linearNet(); NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> new GraphExecutor(g).forward(new NDList(m.ones(new Shape(4, 7)))))
                    .isInstanceOf(GraphException.class)
                    .hasMessage("input 'x' expects shape (4, 3) (any batch size), got (4, 7)");
        }
    }
}
