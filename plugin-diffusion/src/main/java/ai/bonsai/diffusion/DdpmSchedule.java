package ai.bonsai.diffusion;

/**
 * DDPM's noise schedule: linear betas from {@code betaStart} to {@code betaEnd} over {@code
 * steps} training timesteps (diffusers' {@code DDPMScheduler} defaults: 1e-4, 0.02, 1000), and the
 * cumulative products {@code alphā_t = Π_{s<=t} (1 − β_s)} that the forward process and the
 * samplers use.
 */
public final class DdpmSchedule {

    private final double[] alphasCumprod;

    /**
     * Creates a linear schedule.
     *
     * @param betaStart the first beta
     * @param betaEnd the last beta
     * @param steps the number of training timesteps (at least 2)
     * @throws IllegalArgumentException if the betas are not in (0, 1) or steps is below 2
     */
    public DdpmSchedule(double betaStart, double betaEnd, int steps) {
        if (steps < 2 || betaStart <= 0 || betaEnd >= 1 || betaStart > betaEnd) {
            throw new IllegalArgumentException("schedule needs 0 < betaStart <= betaEnd < 1 and at"
                    + " least 2 steps, found " + betaStart + ", " + betaEnd + ", " + steps);
        }
        alphasCumprod = new double[steps];
        double product = 1;
        for (int t = 0; t < steps; t++) {
            product *= 1 - (betaStart + (betaEnd - betaStart) * t / (steps - 1));
            alphasCumprod[t] = product;
        }
    }

    /**
     * Returns diffusers' default DDPM schedule (1e-4 to 0.02, 1000 steps).
     *
     * @return the schedule
     */
    public static DdpmSchedule linear1000() {
        return new DdpmSchedule(1e-4, 0.02, 1000);
    }

    /**
     * Returns the number of training timesteps.
     *
     * @return the steps
     */
    public int steps() {
        return alphasCumprod.length;
    }

    /**
     * Returns {@code alphā_t}.
     *
     * @param t the timestep, in {@code [0, steps)}
     * @return the cumulative product
     */
    public double alphaCumprod(int t) {
        return alphasCumprod[t];
    }
}
