package ai.bonsai.api.pruner;

import ai.bonsai.api.ConfigException;
import java.util.Arrays;

/**
 * The pruning ratio reached at each iterative step, as Torch-Pruning's
 * {@code iterative_pruning_ratio_scheduler}.
 *
 * <pre>{@code
 * PruningSchedule linear = PruningSchedule.linear();               // ratio · k / steps
 * PruningSchedule front = PruningSchedule.fractions(0.5, 0.8, 1);  // 3 steps, most of it first
 * PruningSchedule cubic = (ratio, k, n) -> ratio * (1 - Math.pow(1 - (double) k / n, 3));
 * }</pre>
 */
@FunctionalInterface
public interface PruningSchedule {

    /**
     * Returns the ratio to reach by the end of a step.
     *
     * @param target the final ratio
     * @param step the step, from 1 to {@code steps}
     * @param steps the number of steps
     * @return the ratio after that step
     */
    double ratioAt(double target, int step, int steps);

    /**
     * Returns Torch-Pruning's default, {@code (k / steps) · target}.
     *
     * @return the linear schedule
     */
    static PruningSchedule linear() {
        return (target, step, steps) -> ((double) step / steps) * target;
    }

    /**
     * Returns a schedule that reaches the given fractions of the final ratio, one per step.
     *
     * @param fractions non-decreasing values in (0, 1], the last one 1
     * @return the schedule; it refuses a number of steps other than {@code fractions.length}
     * @throws ConfigException if the fractions are not non-decreasing in (0, 1] ending at 1
     */
    static PruningSchedule fractions(double... fractions) {
        double[] f = fractions.clone();
        for (int i = 0; i < f.length; i++) {
            if (!(f[i] > 0 && f[i] <= 1) || (i > 0 && f[i] < f[i - 1])) {
                throw new ConfigException("pruner.schedule",
                        "fractions must be non-decreasing in (0, 1], found " + Arrays.toString(f));
            }
        }
        if (f.length == 0 || f[f.length - 1] != 1) {
            throw new ConfigException("pruner.schedule",
                    "the last fraction must be 1, found " + Arrays.toString(f));
        }
        return (target, step, steps) -> {
            if (steps != f.length) {
                throw new ConfigException("pruner.schedule", "has " + f.length
                        + " fractions for " + steps + " steps");
            }
            return f[step - 1] * target;
        };
    }
}
