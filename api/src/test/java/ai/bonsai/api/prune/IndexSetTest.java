package ai.bonsai.api.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IndexSetTest {

    @Test
    void sortsDeduplicatesAndComplements() {
        IndexSet s = IndexSet.of(9, 2, 6, 2);
        assertThat(s.toArray()).containsExactly(2, 6, 9);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.max()).isEqualTo(9);
        assertThat(s.contains(6)).isTrue();
        assertThat(s.contains(5)).isFalse();
        assertThat(s.complement(11).toArray()).containsExactly(0, 1, 3, 4, 5, 7, 8, 10);
        assertThat(s.union(IndexSet.of(1, 6))).isEqualTo(IndexSet.of(1, 2, 6, 9));
        assertThat(IndexSet.of(List.of(3, 1))).isEqualTo(IndexSet.of(1, 3));
        assertThat(IndexSet.range(3).toString()).isEqualTo("[0, 1, 2]");
        assertThat(IndexSet.of().max()).isEqualTo(-1);
    }

    @Test
    void isImmutable() {
        int[] raw = {1, 2, 3};
        IndexSet s = IndexSet.of(raw);
        raw[0] = 7;
        s.toArray()[1] = 9;
        assertThat(s.toArray()).containsExactly(1, 2, 3);
    }

    @Test
    void rejectsNegativeIndices() {
        assertThatThrownBy(() -> IndexSet.of(3, -1)).isInstanceOf(PruningException.class)
                .hasMessage("negative channel index -1");
    }

    @Test
    void namePatternsAreGlobsOverWholeNames() {
        assertThat(new NamePattern("layer1.*").matches("layer1.0.conv1")).isTrue();
        assertThat(new NamePattern("layer1.*").matches("layer10.conv1")).isFalse();
        assertThat(new NamePattern("fc").matches("fc")).isTrue();
        assertThat(new NamePattern("fc").matches("fc1")).isFalse();
        assertThat(new NamePattern("conv?").matches("conv2")).isTrue();
        assertThat(new NamePattern("a+b").matches("a+b")).isTrue();
    }
}
