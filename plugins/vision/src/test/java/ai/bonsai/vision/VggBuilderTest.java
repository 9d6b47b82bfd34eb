package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.core.graph.DefaultGraph;
import java.util.List;
import org.junit.jupiter.api.Test;

class VggBuilderTest {

    @Test
    void namesNodesByTheirTorchvisionSequentialIndex() {
        try (DefaultGraph g = TestGraphs.build("vgg16_bn")) {
            assertThat(TestGraphs.nodes(g, "features.").subList(0, 8)).containsExactly(
                    "features.0:conv2d", "features.1:batch_norm", "features.2:relu",
                    "features.3:conv2d", "features.4:batch_norm", "features.5:relu",
                    "features.6:max_pool2d", "features.7:conv2d");
            assertThat(TestGraphs.nodes(g, "features.")).hasSize(44)
                    .endsWith("features.43:max_pool2d");
            assertThat(TestGraphs.dims(g.node("avgpool").output().shape()))
                    .containsExactly(1L, 512L, 7L, 7L);
            assertThat(TestGraphs.nodes(g, "classifier.")).containsExactly(
                    "classifier.0:linear", "classifier.1:relu", "classifier.2:dropout",
                    "classifier.3:linear", "classifier.4:relu", "classifier.5:dropout",
                    "classifier.6:linear");
            assertThat(g.node("classifier.5").attributes().getDouble("p")).isEqualTo(0.5);
        }
    }

    @Test
    void rejectsEmptyStages() {
        assertThatThrownBy(() -> new VggBuilder(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("VGG needs at least one stage");
        assertThatThrownBy(() -> new VggBuilder.Stage(64, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a VGG stage needs a positive width and count, found 64 x 0");
    }
}
