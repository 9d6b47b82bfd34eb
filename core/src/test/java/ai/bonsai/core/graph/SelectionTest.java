package ai.bonsai.core.graph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Pending selections applied: the kept elements, in order, for adjacent and separate dimensions. */
class SelectionTest {

    /** A tensor whose element at (i, j, k, l) is i·1000 + j·100 + k·10 + l. */
    private static NDArray coded(NDManager m, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int e = 0; e < v.length; e++) {
            int rest = e;
            float code = 0;
            float place = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                code += (rest % shape[d]) * place;
                rest /= (int) shape[d];
                place *= 10;
            }
            v[e] = code;
        }
        return m.create(v, new Shape(shape));
    }

    @Test
    void adjacentDimensionsAreGatheredTogether() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = coded(m, 4, 3, 2, 2);
            Selection s = Selection.all(w.getShape()).remove(0, new int[] {1, 2}).remove(1, new int[] {0});
            NDArray out = s.apply(w, m);
            assertThat(out.getShape()).isEqualTo(new Shape(2, 2, 2, 2)).isEqualTo(s.shape());
            assertThat(out.toFloatArray()).containsExactly(
                    100, 101, 110, 111, 200, 201, 210, 211,
                    3100, 3101, 3110, 3111, 3200, 3201, 3210, 3211);
        }
    }

    @Test
    void separateDimensionsAreSelectedInTurn() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = coded(m, 3, 4, 5);
            Selection s = Selection.all(w.getShape()).remove(0, new int[] {1}).remove(2, new int[] {0, 2, 4});
            NDArray out = s.apply(w, m);
            assertThat(out.getShape()).isEqualTo(new Shape(2, 4, 2));
            assertThat(out.toFloatArray()).containsExactly(
                    1, 3, 11, 13, 21, 23, 31, 33, 201, 203, 211, 213, 221, 223, 231, 233);
        }
    }

    @Test
    void removalsComposeAndKeepTheDataType() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.arange(0, 6, 1, DataType.INT64);
            Selection s = Selection.all(v.getShape()).remove(0, new int[] {1}).remove(0, new int[] {0, 3});
            NDArray out = s.apply(v, m);
            assertThat(out.getDataType()).isEqualTo(DataType.INT64);
            assertThat(out.toLongArray()).containsExactly(2, 3, 5);
            assertThat(v.toLongArray()).containsExactly(0, 1, 2, 3, 4, 5);
        }
    }
}
