package ai.bonsai.core.pruner;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.core.importance.ScoredMember;
import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.Map;

/**
 * Regularization gradients being collected for one {@code regularize} call: terms are added per
 * parameter into a float32 delta, and {@link #applyTo} adds each delta to the parameter's
 * gradient in place.
 */
final class GradientUpdate {

    private final Map<Parameter, float[]> deltas = new HashMap<>();
    private final Map<Parameter, float[]> values = new HashMap<>();

    /**
     * Returns a parameter's values (read once per update).
     *
     * @param p the parameter
     * @return its values, row-major
     */
    float[] values(Parameter p) {
        return values.computeIfAbsent(p, k -> k.array().toFloatArray());
    }

    /**
     * Adds {@code coeff[k] · w} over the weight slice of each of a member's channels: rows for
     * output channels, columns for input channels (a grouped convolution's input channels beyond
     * its first group have no column of their own and are skipped, as Torch-Pruning does),
     * single entries for a norm's affine weight.
     *
     * @param m the member
     * @param coeff one coefficient per index of the member
     */
    void addScaledWeight(ScoredMember m, float[] coeff) {
        addScaled(m, m.weight(), m.channelDim(), coeff);
    }

    /**
     * Adds {@code coeff[k] · b} to the bias entry of each of a member's channels.
     *
     * @param m the member (with a bias)
     * @param coeff one coefficient per index of the member
     */
    void addScaledBias(ScoredMember m, float[] coeff) {
        m.bias().ifPresent(b -> addScaled(m, b, 0, coeff));
    }

    /**
     * Adds a value to one entry.
     *
     * @param p the parameter
     * @param index the flat index
     * @param value the value
     */
    void add(Parameter p, int index, float value) {
        delta(p)[index] += value;
    }

    private void addScaled(ScoredMember m, Parameter p, int dim, float[] coeff) {
        long[] shape = p.shape().getShape();
        float[] w = values(p);
        float[] d = delta(p);
        int rows = (int) shape[0];
        int cols = shape.length > 1 ? (int) shape[1] : 1;
        int inner = w.length / (rows * cols);
        for (int k = 0; k < coeff.length; k++) {
            int c = m.member().idxs().get(k);
            if (dim == 0) {
                int len = w.length / rows;
                for (int i = c * len; i < (c + 1) * len; i++) {
                    d[i] += coeff[k] * w[i];
                }
            } else if (c < cols) {
                for (int o = 0; o < rows; o++) {
                    for (int j = 0; j < inner; j++) {
                        int i = (o * cols + c) * inner + j;
                        d[i] += coeff[k] * w[i];
                    }
                }
            }
        }
    }

    private float[] delta(Parameter p) {
        return deltas.computeIfAbsent(p, k -> new float[(int) k.shape().size()]);
    }

    /**
     * Adds every collected delta to the gradient of its parameter, in place.
     *
     * @param gradients gradients by parameter name; parameters without one are skipped
     */
    void applyTo(Map<String, NDArray> gradients) {
        deltas.forEach((p, d) -> {
            NDArray g = gradients.get(p.name());
            if (g != null) {
                try (NDArray delta = g.getManager().create(d, g.getShape())) {
                    g.addi(delta);
                }
            }
        });
    }
}
