package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterOpTest {

    private static Attributes token(long... shape) {
        return Attributes.of().with("shape", shape).with("channel_dim", -1);
    }

    @Test
    void isANodeWithoutInputsWhoseParameterCarriesTheNodesName() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 2, 3));
        Value pos = b.op("parameter", "pos_embed", token(1, 2, 3));
        b.output(b.add("add", x, pos));
        try (DefaultGraph g = build(b)) {
            assertThat(g.parameters()).containsOnlyKeys("pos_embed");
            assertThat(pos.shape()).isEqualTo(new Shape(1, 2, 3));
            assertThat(pos.channelDim()).isEqualTo(2);
            ChannelSemantics sem = g.node("pos_embed").op().channels(g.node("pos_embed"));
            assertThat(sem.coupling()).isEqualTo(Coupling.INDEPENDENT);
            assertThat(sem.inputs()).isEmpty();
            assertThat(sem.outChannels()).isEqualTo(3);
        }
    }

    @Test
    void forwardYieldsTheParameterAndGradientsReachIt() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3));
        b.output(b.binary("mul", "scale", x, b.op("parameter", "gamma", token(3))));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            set(g, "gamma", "", new float[] {2, 3, 4}, new Shape(3));
            NDArray in = m.create(new float[] {1, 10, 100}, new Shape(1, 3));
            GraphExecutor exec = new GraphExecutor(g);
            assertValues(exec.forward(new NDList(in)).head(), new Shape(1, 3), 2, 30, 400);
            assertValues(exec.forward(new NDList(in)).head(), new Shape(1, 3), 2, 30, 400);
            Map<String, NDArray> grads = exec.gradients(new NDList(in), o -> o.head().sum(), false);
            assertValues(grads.get("gamma"), new Shape(3), 1, 10, 100);
        }
    }

    @Test
    void pruningRemovesEntriesAlongTheChannelDimensionAndShortensTheShape() {
        GraphBuilder b = builder();
        b.output(b.add("add", b.input("x", new Shape(1, 4, 2)),
                b.op("parameter", "p", Attributes.of().with("shape", new long[] {1, 4, 2}).with("channel_dim", 1))));
        try (DefaultGraph g = build(b)) {
            set(g, "p", "", new float[] {0, 1, 2, 3, 4, 5, 6, 7}, new Shape(1, 4, 2));
            g.node("p").op().pruneIn(editor(g, "p"), IndexSet.of(0, 2));
            assertThat(g.node("p").attributes().getLongs("shape")).containsExactly(1, 2, 2);
            assertValues(g.node("p").parameter("").array(), new Shape(1, 2, 2), 2, 3, 6, 7);
        }
    }

    @Test
    void refusesInputsAndAShapeThatDisagreesWithTheChannelDimension() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3));
        assertThatThrownBy(() -> b.op("parameter", "p", token(3), x))
                .isInstanceOf(GraphException.class).hasMessageContaining("'p'").hasMessageContaining("expects 0 inputs");
        assertThatThrownBy(() -> b.op("parameter", "q", Attributes.of().with("shape", new long[] {3}).with("channel_dim", 2)))
                .isInstanceOf(GraphException.class).hasMessageContaining("'q'").hasMessageContaining("channel_dim 2");
    }
}
