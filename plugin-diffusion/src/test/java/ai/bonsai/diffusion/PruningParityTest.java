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
     * Where Torch-Pruning's report lists a concatenation's second part wrongly: for the norms
     * after three skip concatenations it lists the first channels of the skip part (32..39),
     * while its own report for the skip's producer keeps other channels. Bonsai keeps the
     * producer's channels there, at the concatenation's offset: norm -> (offset, producer).
     */
    private static final Map<String, Map.Entry<Integer, String>> SKIP_PARTS = Map.of(
            "up_blocks.0.resnets.1.norm1", Map.entry(32, "down_blocks.0.downsamplers.0.conv"),
            "up_blocks.1.resnets.0.norm1", Map.entry(32, "down_blocks.0.resnets.0.conv2"),
            "up_blocks.1.resnets.1.norm1", Map.entry(16, "conv_in"));

    /**
     * The kept output channels of each listed layer, found by locating its pruned bias entries
     * (every listed conv, linear and group norm has a bias; the fixture's values are distinct)
     * in the original bias, equal Torch-Pruning's (with {@link #SKIP_PARTS} taken from the
     * producers).
     */
    private static void assertKeptChannels(Map<String, List<Long>> kept, Graph original, Graph pruned) {
        assertThat(kept).containsKeys(SKIP_PARTS.keySet().toArray(String[]::new));
        kept.forEach((layer, idxs) -> {
            List<Long> expected = new java.util.ArrayList<>(idxs);
            Map.Entry<Integer, String> skip = SKIP_PARTS.get(layer);
            if (skip != null) {
                expected.removeIf(i -> i >= skip.getKey());
                kept.get(skip.getValue()).forEach(i -> expected.add(i + skip.getKey()));
            }
            assertThat(keptChannels(original, pruned, layer)).as(layer).isEqualTo(expected);
        });
    }

    static List<Long> keptChannels(Graph original, Graph pruned, String layer) {
        float[] all = original.node(layer).parameter("bias").array().toFloatArray();
        float[] left = pruned.node(layer).parameter("bias").array().toFloatArray();
        List<Long> idxs = new java.util.ArrayList<>();
        int from = 0;
        for (float v : left) {
            while (from < all.length && all[from] != v) {
                from++;
            }
            idxs.add((long) from++);
        }
        return idxs;
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
