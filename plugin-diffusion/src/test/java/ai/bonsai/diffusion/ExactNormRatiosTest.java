package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.pruner.MetaPruner;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GroupNorm's exact mode: the requested share, within one channel per norm group. */
class ExactNormRatiosTest {

    @Test
    void torchPruningModeLeavesThePrunersRule() {
        try (Graph g = Fixture.read()) {
            assertThat(GroupNormMode.TORCH_PRUNING.configure(Pruning.l2Local30(), g, 0.3)).isEmpty();
        }
    }

    @Test
    void removesTheRequestedShareWithinOneChannelPerNormGroup() {
        try (Graph g = Fixture.read(); Graph original = Fixture.read()) {
            ai.bonsai.api.pruner.PruningConfig.Builder config = Pruning.l2Local30();
            Map<String, ExactNormRatios.LayerRatio> report = GroupNormMode.EXACT.configure(config, g, 0.3);
            assertThat(report.get("conv_in").achieved()).isEqualTo(0.25);
            assertThat(report.get("mid_block.resnets.0.conv1").achieved()).isEqualTo(0.25);
            assertThat(report.get("up_blocks.0.attentions.0.to_out.0").normGroups()).isEqualTo(4);
            assertThat(report).doesNotContainKeys("mid_block.attentions.0.to_q", "time_embedding.linear_1");

            new MetaPruner().start(g, config.build()).step();

            report.values().stream().filter(r -> !r.layer().equals("conv_out")).forEach(r -> {
                long before = original.node(r.layer()).parameter("weight").shape().get(0);
                long after = g.node(r.layer()).parameter("weight").shape().get(0);
                assertThat(Math.abs((before - after) - 0.3 * before)).as(r.layer())
                        .isLessThanOrEqualTo(r.normGroups());
                assertThat(before - after).as(r.layer())
                        .isEqualTo((long) r.removedPerGroup() * r.normGroups());
            });
            assertThat(g.node("conv_in").parameter("weight").shape().get(0)).isEqualTo(12);
            assertThat(g.node("mid_block.resnets.0.conv1").parameter("weight").shape().get(0)).isEqualTo(24);
            assertThat(g.node("mid_block.attentions.0.to_q").parameter("weight").shape().get(0)).isEqualTo(22);
        }
    }
}
