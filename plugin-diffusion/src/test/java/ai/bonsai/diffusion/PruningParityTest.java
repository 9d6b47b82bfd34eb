package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Magnitude L2, 30 % local, {@code conv_out} ignored, GroupNorm channels pruned alike in every
 * norm group (Torch-Pruning's mode): parameters, MACs, every shape and the kept channels equal
 * Torch-Pruning's.
 *
 * <p>MACs: diffusers' {@code Upsample2D} calls {@code F.interpolate}, which Torch-Pruning's
 * module-hook counter does not see; Bonsai counts the upsample node (its output elements), so
 * its figures are the reference plus 32·16·16 before and 20·16·16 after.
 */
class PruningParityTest {

    private static final long UPSAMPLE_BEFORE = 32 * 16 * 16;
    private static final long UPSAMPLE_AFTER = 20 * 16 * 16;

    @Test
    void matchesTorchPruning() {
        Reference ref = Reference.load();
        try (Graph g = Fixture.read(); Graph original = Fixture.read()) {
            ModelCost before = OpCounter.count(g);
            assertThat(before.params()).isEqualTo(ref.params());
            assertThat(before.macs()).isEqualTo(ref.macs() + UPSAMPLE_BEFORE);

            Pruning.pruneL2Local30(g);

            ModelCost after = OpCounter.count(g);
            assertThat(after.params()).isEqualTo(ref.paramsAfter());
            assertThat(after.macs()).isEqualTo(ref.macsAfter() + UPSAMPLE_AFTER);
            assertThat(Pruning.shapes(g)).isEqualTo(ref.shapesAfter());
            assertKeptChannels(ref.keptOutChannels(), original, g);
        }
    }

    /**
     * Each pruned layer's bias (every listed conv, linear and group norm has one, indexed by
     * output channel) is the original's at Torch-Pruning's kept output channels.
     */
    private static void assertKeptChannels(Map<String, List<Long>> kept, Graph original, Graph pruned) {
        assertThat(kept).isNotEmpty();
        kept.forEach((layer, idxs) -> {
            float[] all = original.node(layer).parameter("bias").array().toFloatArray();
            float[] expected = new float[idxs.size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = all[Math.toIntExact(idxs.get(i))];
            }
            assertThat(pruned.node(layer).parameter("bias").array().toFloatArray())
                    .as(layer + " keeps " + idxs).containsExactly(expected);
        });
    }

    @Test
    void prunedModelRuns() {
        try (Graph g = Fixture.read(); NDManager m = NDManager.newBaseManager()) {
            Pruning.pruneL2Local30(g);
            NDArray out = new GraphExecutor(g).forward(Fixture.inputs(m)).head();
            assertThat(out.getShape()).isEqualTo(Fixture.expected(m).getShape());
            assertThat(out.isNaN().any().getBoolean()).isFalse();
        }
    }
}
