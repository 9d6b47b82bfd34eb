package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.core.graph.DefaultGraph;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResNetBuilderTest {

    @Test
    void resnet18HasOneNodePerTorchvisionModuleCall() {
        try (DefaultGraph g = TestGraphs.build("resnet18")) {
            assertThat(g.nodes().subList(0, 4)).extracting(TestGraphs::describe).containsExactly(
                    "conv1:conv2d", "bn1:batch_norm", "relu:relu", "maxpool:max_pool2d");
            assertThat(TestGraphs.nodes(g, "layer1.0.")).containsExactly(
                    "layer1.0.conv1:conv2d", "layer1.0.bn1:batch_norm", "layer1.0.relu:relu",
                    "layer1.0.conv2:conv2d", "layer1.0.bn2:batch_norm", "layer1.0.add:add",
                    "layer1.0.relu_1:relu");
            assertThat(TestGraphs.nodes(g, "layer2.0.")).containsExactly(
                    "layer2.0.conv1:conv2d", "layer2.0.bn1:batch_norm", "layer2.0.relu:relu",
                    "layer2.0.conv2:conv2d", "layer2.0.bn2:batch_norm",
                    "layer2.0.downsample.0:conv2d", "layer2.0.downsample.1:batch_norm",
                    "layer2.0.add:add", "layer2.0.relu_1:relu");
            List<String> tail = g.nodes().subList(g.nodes().size() - 3, g.nodes().size()).stream()
                    .map(TestGraphs::describe).toList();
            assertThat(tail).containsExactly(
                    "avgpool:adaptive_avg_pool2d", "flatten:flatten", "fc:linear");
            assertThat(g.nodes()).hasSize(4 + 7 * 8 + 2 * 3 + 3);
        }
    }

    @Test
    void resnet34HasTorchvisionsParameterCount() {
        try (DefaultGraph g = TestGraphs.build("resnet34")) {
            assertThat(TestGraphs.trainableElements(g)).isEqualTo(21_797_672L);
        }
    }

    @Test
    void resnet50StridesOnTheBottlenecks3x3Conv() {
        try (DefaultGraph g = TestGraphs.build("resnet50")) {
            assertThat(g.node("layer2.0.conv1").attributes().getLongs("stride")).containsExactly(1, 1);
            assertThat(g.node("layer2.0.conv2").attributes().getLongs("stride")).containsExactly(2, 2);
            assertThat(g.node("layer2.0.downsample.0").attributes().getLongs("stride"))
                    .containsExactly(2, 2);
            assertThat(TestGraphs.nodes(g, "layer1.1.relu"))
                    .containsExactly("layer1.1.relu:relu", "layer1.1.relu_1:relu", "layer1.1.relu_2:relu");
            assertThat(TestGraphs.dims(g.node("layer4.2.relu_2").output().shape()))
                    .containsExactly(1L, 2048L, 7L, 7L);
        }
    }

    @Test
    void rejectsAnythingButFourNonEmptyStages() {
        assertThatThrownBy(() -> new ResNetBuilder(ResNetBuilder.Block.BASIC, List.of(2, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ResNet needs four stages of at least one block, found [2, 2, 2]");
        assertThatThrownBy(() -> new ResNetBuilder(ResNetBuilder.Block.BASIC, List.of(2, 0, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResNetBuilder(ResNetBuilder.Block.BASIC, List.of(2, 2, 2, 2), 32, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("groups 32 and width per group 4 must be positive, and 1 and 64 for basic blocks");
    }
}
