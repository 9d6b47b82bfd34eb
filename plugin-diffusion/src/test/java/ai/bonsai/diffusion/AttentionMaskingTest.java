package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/**
 * Pruning attention channels keeps the attention's scale (diffusers' classic processor: {@code
 * 1/sqrt} of the original head size), so the pruned model computes exactly what the original
 * computes with those q/k/v channels masked.
 */
class AttentionMaskingTest {

    private static final String TO_Q = "mid_block.attentions.0.to_q";
    private static final IndexSet CHANNELS = IndexSet.of(1, 4, 7, 10, 20, 31);

    @Test
    void prunedAttentionEqualsTheMaskedOriginal() {
        try (Graph pruned = Fixture.read(); Graph masked = Fixture.read();
                NDManager m = NDManager.newBaseManager()) {
            DependencyGraph.build(pruned)
                    .getPruningGroup(pruned.node(TO_Q), PruningHandle.PRUNE_OUT, CHANNELS).prune();
            DependencyGraph.build(masked)
                    .getPruningGroup(masked.node(TO_Q), PruningHandle.PRUNE_OUT, CHANNELS).mask();

            assertThat(pruned.node(TO_Q).parameter("weight").shape().get(0)).isEqualTo(26);
            assertThat(pruned.node("mid_block.attentions.0.processor").attributes().getDouble("scale"))
                    .isEqualTo(1 / Math.sqrt(32));
            NDArray a = new GraphExecutor(pruned).forward(Fixture.inputs(m)).head();
            NDArray b = new GraphExecutor(masked).forward(Fixture.inputs(m)).head();
            assertThat(Fixture.maxAbsDiff(a, b)).isLessThan(1e-5f);
            assertThat(Fixture.maxAbsDiff(a, Fixture.expected(m))).isGreaterThan(1e-4f);
        }
    }
}
