package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** diffusers' sinusoidal timestep embedding, against its formula evaluated in double precision. */
class TimestepEmbeddingOpTest {

    private static Graph embedding(int dim, boolean flip, int shift) {
        GraphBuilder b = Fixture.HOST.newGraphBuilder("t", 0);
        b.output(b.op(TimestepEmbeddingOp.NAME, "time_proj", Attributes.of()
                .with("dim", dim).with("flip_sin_to_cos", flip).with("freq_shift", shift)
                .with("max_period", 10000.0), b.input("timestep", new Shape(2))));
        return b.build();
    }

    @ParameterizedTest
    @CsvSource({"8, false, 1", "8, true, 0", "16, true, 1"})
    void matchesTheFormula(int dim, boolean flip, int shift) {
        long[] steps = {3, 500};
        try (Graph g = embedding(dim, flip, shift); NDManager m = NDManager.newBaseManager()) {
            float[] out = new GraphExecutor(g).forward(new NDList(m.create(steps))).head().toFloatArray();
            int half = dim / 2;
            for (int b = 0; b < steps.length; b++) {
                for (int i = 0; i < half; i++) {
                    double arg = steps[b] * Math.exp(-Math.log(10000) * i / (half - shift));
                    double first = flip ? Math.cos(arg) : Math.sin(arg);
                    double second = flip ? Math.sin(arg) : Math.cos(arg);
                    assertThat((double) out[b * dim + i]).isCloseTo(first, org.assertj.core.data.Offset.offset(2e-4));
                    assertThat((double) out[b * dim + half + i]).isCloseTo(second, org.assertj.core.data.Offset.offset(2e-4));
                }
            }
        }
    }

    @Test
    void refusesAnOddWidth() {
        assertThatThrownBy(() -> embedding(7, false, 1))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("time_proj")
                .hasMessageContaining("'dim' 7 must be even");
    }

    @Test
    void isOpaqueAndFree() {
        try (Graph g = embedding(8, false, 1)) {
            TimestepEmbeddingOp op = new TimestepEmbeddingOp();
            assertThat(op.channels(g.node("time_proj")).coupling())
                    .isEqualTo(ai.bonsai.api.op.Coupling.OPAQUE);
            assertThat(op.macs(g.node("time_proj"))).isZero();
        }
    }
}
