package ai.bonsai.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class DefaultGraphBuilderTest {

    @Test
    void buildsConvWithSeededParametersAndInferredShapes() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("g", 7);
        Value x = b.input("input", new Shape(2, 3, 8, 8));
        Value y = b.conv2d("conv", x, 4, 3, 2, 1, 1, 1, true);
        b.output(y);
        try (DefaultGraph g = (DefaultGraph) b.build()) {
            assertThat(y.shape()).isEqualTo(new Shape(2, 4, 4, 4));
            assertThat(y.channelDim()).isEqualTo(1);
            assertThat(g.parameters()).containsOnlyKeys("conv.weight", "conv.bias");
            assertThat(g.parameters().get("conv.weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            float bound = (float) (1 / Math.sqrt(27));
            assertThat(g.parameters().get("conv.weight").array().abs().max().getFloat()).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void suppliedParameterValuesReplaceTheSeededInitialization() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("g", 7);
        b.parameterValue("fc.weight", b.manager().create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)));
        Value x = b.input("input", new Shape(1, 3));
        b.output(b.linear("fc", x, 2, false));
        try (DefaultGraph g = (DefaultGraph) b.build()) {
            assertThat(g.parameters().get("fc.weight").array().toFloatArray())
                    .containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void suppliedValuesOfTheWrongShapeOrWithoutANodeAreNamed() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("g", 7);
        b.parameterValue("fc.weight", b.manager().zeros(new Shape(3, 3)));
        Value x = b.input("input", new Shape(1, 3));
        assertThatThrownBy(() -> b.linear("fc", x, 2, false))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("'fc.weight'")
                .hasMessageContaining("(3, 3)")
                .hasMessageContaining("(2, 3)");
        GraphBuilder b2 = PluginHost.classpathOnly().newGraphBuilder("g2", 7);
        b2.parameterValue("ghost.weight", b2.manager().zeros(new Shape(1)));
        b2.output(b2.linear("fc", b2.input("input", new Shape(1, 3)), 2));
        assertThatThrownBy(b2::build)
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("[ghost.weight]");
    }

    @Test
    void rejectsUnknownOpTypesAndDuplicateNames() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("g", 7);
        Value x = b.input("input", new Shape(1, 3, 8, 8));
        assertThatThrownBy(() -> b.unary("nope", "n1", x))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'n1'")
                .hasMessageContaining("unknown op type 'nope'")
                .hasMessageContaining("conv2d");
        b.conv2d("c", x, 4, 3, 1, 1);
        assertThatThrownBy(() -> b.conv2d("c", x, 4, 3, 1, 1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("duplicate name 'c'");
    }

    @Test
    void namesTheNodeOnInconsistentShapes() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("g", 7);
        Value x = b.input("input", new Shape(1, 3, 2, 2));
        assertThatThrownBy(() -> b.conv2d("big", x, 4, 5, 1, 0))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("node 'big' (conv2d)")
                .hasMessageContaining("does not fit");
    }
}
