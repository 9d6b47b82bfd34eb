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
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** {@code group_norm} with {@code regroup}: Torch-Pruning's unchecked removal, divisibility kept. */
class GroupNormRegroupTest {

    /** A 1x1 conv with 6 output channels into a regrouping group norm of 2 groups. */
    private static DefaultGraph regrouping() {
        GraphBuilder b = builder();
        b.output(b.op("group_norm", "gn", Attributes.of().with("num_groups", 2).with("eps", 1e-5)
                .with("affine", true).with("regroup", true),
                b.conv2d("conv", b.input("x", new Shape(1, 2, 3, 3)), 6, 1, 1, 0)));
        DefaultGraph g = build(b);
        set(g, "gn", "weight", new float[] {1, 2, 3, 4, 5, 6}, new Shape(6));
        return g;
    }

    @Test
    void acceptsAnUnevenSelectionThatLeavesADivisibleWidth() {
        try (DefaultGraph g = regrouping()) {
            g.node("conv").op().pruneOut(editor(g, "conv"), IndexSet.of(0, 1));
            g.node("gn").op().pruneOut(editor(g, "gn"), IndexSet.of(0, 1));
            g.refresh();
            Node gn = g.node("gn");
            assertValues(gn.parameter("weight").array(), new Shape(4), 3, 4, 5, 6);
            assertThat(gn.attributes().getLong("num_groups")).isEqualTo(2);
            assertThat(gn.output().shape()).isEqualTo(new Shape(1, 4, 3, 3));
        }
    }

    @Test
    void refusesAWidthTheGroupsDoNotDivide() {
        try (DefaultGraph g = regrouping()) {
            assertThatThrownBy(() -> g.node("gn").op().pruneOut(editor(g, "gn"), IndexSet.of(0)))
                    .isInstanceOf(PruningException.class)
                    .hasMessage("node 'gn' (group_norm, regroup): the 5 channels left are not a"
                            + " multiple of its 2 groups");
        }
    }

    @Test
    void stillDropsWholeGroups() {
        try (DefaultGraph g = regrouping()) {
            g.node("conv").op().pruneOut(editor(g, "conv"), IndexSet.of(3, 4, 5));
            g.node("gn").op().pruneOut(editor(g, "gn"), IndexSet.of(3, 4, 5));
            g.refresh();
            assertThat(g.node("gn").attributes().getLong("num_groups")).isEqualTo(1);
        }
    }
}
