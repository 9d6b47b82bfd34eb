package ai.bonsai.core.importance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReductionAndNormalizerTest {

    private static final List<float[]> SCORES = List.of(new float[] {1, 2, 3}, new float[] {4, 6});
    private static final List<int[]> ROOTS = List.of(new int[] {0, 1, 2}, new int[] {0, 2});

    @Test
    void reductionsCombinePerRootIndex() {
        assertThat(GroupReduction.SUM.reduce(SCORES, ROOTS, 3)).containsExactly(5, 2, 9);
        assertThat(GroupReduction.MEAN.reduce(SCORES, ROOTS, 3)).containsExactly(2.5f, 1, 4.5f);
        assertThat(GroupReduction.MAX.reduce(SCORES, ROOTS, 3)).containsExactly(4, 2, 6);
        assertThat(GroupReduction.PROD.reduce(SCORES, ROOTS, 3)).containsExactly(4, 2, 18);
        assertThat(GroupReduction.FIRST.reduce(SCORES, ROOTS, 3)).containsExactly(1, 2, 3);
        assertThat(GroupReduction.GATE.reduce(SCORES, ROOTS, 3)).containsExactly(4, 0, 6);
    }

    @Test
    void manyToOneMembersAddIntoTheirRootAndCountOnce() {
        float[] r = GroupReduction.MEAN.reduce(
                List.of(new float[] {1, 1}, new float[] {1, 2, 3, 4}),
                List.of(new int[] {0, 1}, new int[] {0, 0, 1, 1}), 2);
        assertThat(r).containsExactly(2f, 4f);
    }

    @Test
    void normalizersFollowTorchPruning() {
        assertThat(normalize(Normalizer.MEAN)).containsExactly(0.5f, 1f, 1.5f);
        assertThat(normalize(Normalizer.MAX)).containsExactly(1f / 3, 2f / 3, 1f);
        assertThat(normalize(Normalizer.SUM)).containsExactly(1f / 6, 2f / 6, 3f / 6);
        assertThat(normalize(Normalizer.STANDARDIZATION)).containsExactly(0f, 0.5f, 1f);
        assertThat(normalize(Normalizer.GAUSSIAN)).containsExactly(-1f, 0f, 1f);
        assertThat(normalize(Normalizer.NONE)).containsExactly(1f, 2f, 3f);
    }

    private static float[] normalize(Normalizer n) {
        float[] s = {1, 2, 3};
        n.apply(s);
        return s;
    }
}
