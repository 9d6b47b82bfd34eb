package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.graph.DefaultGraph;
import org.junit.jupiter.api.Test;

class MobileNetV2BuilderTest {

    @Test
    void followsTorchvisionsModuleTree() {
        try (DefaultGraph g = TestGraphs.build("mobilenet_v2")) {
            assertThat(TestGraphs.nodes(g, "features.0.")).containsExactly(
                    "features.0.0:conv2d", "features.0.1:batch_norm", "features.0.2:relu6");
            assertThat(TestGraphs.nodes(g, "features.1.")).containsExactly(
                    "features.1.conv.0.0:conv2d", "features.1.conv.0.1:batch_norm",
                    "features.1.conv.0.2:relu6", "features.1.conv.1:conv2d",
                    "features.1.conv.2:batch_norm");
            assertThat(g.node("features.1.conv.0.0").attributes().getLong("groups")).isEqualTo(32);
            assertThat(TestGraphs.nodes(g, "features.3.")).containsExactly(
                    "features.3.conv.0.0:conv2d", "features.3.conv.0.1:batch_norm",
                    "features.3.conv.0.2:relu6", "features.3.conv.1.0:conv2d",
                    "features.3.conv.1.1:batch_norm", "features.3.conv.1.2:relu6",
                    "features.3.conv.2:conv2d", "features.3.conv.3:batch_norm",
                    "features.3.add:add");
            assertThat(g.node("features.3.conv.1.0").attributes().getLong("groups")).isEqualTo(144);
            assertThat(g.nodes()).filteredOn(n -> n.op().name().equals("add")).hasSize(10);
            assertThat(TestGraphs.nodes(g, "features.18.")).containsExactly(
                    "features.18.0:conv2d", "features.18.1:batch_norm", "features.18.2:relu6");
            assertThat(g.nodes().subList(g.nodes().size() - 4, g.nodes().size()))
                    .extracting(TestGraphs::describe).containsExactly(
                            "pool:adaptive_avg_pool2d", "flatten:flatten",
                            "classifier.0:dropout", "classifier.1:linear");
            assertThat(g.node("classifier.0").attributes().getDouble("p")).isEqualTo(0.2);
        }
    }
}
