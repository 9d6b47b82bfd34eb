package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.graph.DefaultGraph;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The group of ResNet-18's {@code conv1} is exactly Torch-Pruning's. */
class ResNet18GroupTest {

    @Test
    void conv1GroupTouchesExactlyTheCoupledLayers() {
        try (DefaultGraph g = TestGraphs.build("resnet18")) {
            DependencyGraph dg = DependencyGraph.build(g);
            Group group = dg.getPruningGroup(g.node("conv1"), PruningHandle.PRUNE_OUT, IndexSet.of(2, 6, 9));
            List<String> parameterised = group.members().stream()
                    .filter(m -> !m.node().parameters().isEmpty())
                    .map(m -> m.node().name() + " (" + (m.handle() == PruningHandle.PRUNE_OUT ? "out" : "in") + ")")
                    .collect(Collectors.toList());
            assertThat(parameterised).containsExactlyInAnyOrder(
                    "conv1 (out)", "bn1 (out)", "layer1.0.conv1 (in)", "layer1.0.conv2 (out)",
                    "layer1.0.bn2 (out)", "layer1.1.conv1 (in)", "layer1.1.conv2 (out)",
                    "layer1.1.bn2 (out)", "layer2.0.conv1 (in)", "layer2.0.downsample.0 (in)");
            group.members().forEach(m -> assertThat(m.idxs()).isEqualTo(IndexSet.of(2, 6, 9)));
            assertThat(group.toString().lines().filter(l -> l.startsWith("[")).findFirst())
                    .hasValue("[0] prune_out_channels on conv1 => prune_out_channels on conv1, idxs=[2, 6, 9]");
            assertThat(dg.checkPruningGroup(group)).isTrue();
        }
    }
}
