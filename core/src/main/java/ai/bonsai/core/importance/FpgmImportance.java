package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * FPGM importance ({@code fpgm}, filter pruning via geometric median): a channel close to the
 * geometric median of its layer is redundant. Per scored member, each channel's vector is its
 * weight slice raised element-wise, {@code |w|^p} (not summed); its score is the sum of the
 * Euclidean distances to the vectors of the member's other channels. Scores combine and
 * normalize like {@link MagnitudeImportance}.
 *
 * <p>As in Torch-Pruning, only convolution and linear output and input handles are scored (no
 * norms, no bias terms); {@code scoreAllMembers} adds every member with a weight.
 *
 * <pre>{@code
 * ImportanceCriterion fpgm = FpgmImportance.builder().build();
 * }</pre>
 */
@Extension
public final class FpgmImportance extends GroupImportance {

    private final double p;

    /** p = 2, mean reduction, mean normalizer. */
    public FpgmImportance() {
        this(builder());
    }

    private FpgmImportance(Builder b) {
        super(b.options(), EnumSet.of(Kind.OUT, Kind.IN));
        this.p = b.p();
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "fpgm";
    }

    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        return builder().optParameters(parameters).build();
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return builder().declarations();
    }

    @Override
    List<float[]> scoreMember(ScoredMember m) {
        Parameter w = m.weight();
        float[] e = Magnitudes.of(w, p);
        long[] shape = w.shape().getShape();
        int rows = (int) shape[0];
        int cols = shape.length > 1 ? (int) shape[1] : 1;
        int inner = e.length / (rows * cols);
        int channels = m.channelDim() == 0 ? rows : cols;
        int n = m.member().idxs().size();
        double[][] v = new double[n][];
        for (int k = 0; k < n; k++) {
            int c = m.member().idxs().get(k) % channels;
            v[k] = m.channelDim() == 0 ? row(e, c, e.length / rows) : column(e, c, rows, cols, inner);
        }
        float[] score = new float[n];
        for (int a = 0; a < n; a++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                sum += distance(v[a], v[b]);
            }
            score[a] = (float) sum;
        }
        return List.of(score);
    }

    private static double[] row(float[] e, int r, int length) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = e[r * length + i];
        }
        return v;
    }

    private static double[] column(float[] e, int c, int rows, int cols, int inner) {
        double[] v = new double[rows * inner];
        for (int o = 0; o < rows; o++) {
            for (int j = 0; j < inner; j++) {
                v[o * inner + j] = e[(o * cols + c) * inner + j];
            }
        }
        return v;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** Configures an {@link FpgmImportance}; parameter {@code p} besides the shared ones. */
    public static final class Builder extends NormBuilder<Builder> {

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the criterion
         * @throws ai.bonsai.api.ConfigException if p is not positive
         */
        public FpgmImportance build() {
            return new FpgmImportance(this);
        }
    }
}
