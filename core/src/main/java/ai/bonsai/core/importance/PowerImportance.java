package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.op.ChannelScoring.Kind;
import java.util.EnumSet;
import java.util.Set;

/**
 * The magnitude family: each element scores {@code |w|^p} in float32 (Torch-Pruning's
 * {@code w.abs().pow(p)}), summed per channel. {@code magnitude}, {@code lamp} and
 * {@code bnscale} differ only in p, the roles they score and the normalizer.
 */
abstract class PowerImportance extends ElementwiseImportance {

    /** The members Torch-Pruning's magnitude criteria score. */
    static final Set<Kind> MAGNITUDE_ROLES =
            EnumSet.of(Kind.OUT, Kind.IN, Kind.BATCH_NORM, Kind.LAYER_NORM);

    private final double p;

    PowerImportance(ImportanceOptions options, Set<Kind> defaultRoles, double p) {
        super(options, defaultRoles);
        this.p = p;
    }

    @Override
    float[] elements(Parameter parameter) {
        return Magnitudes.of(parameter, p);
    }

    @Override
    ChannelSums sums(Parameter weight) {
        return ChannelSums.ofPower(weight, p);
    }
}
