package ai.bonsai.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Deterministic DDIM sampling (η = 0) with a noise-predicting UNet, as diffusers' {@code
 * DDIMScheduler} with its defaults ({@code timestep_spacing} "leading", {@code set_alpha_to_one},
 * {@code clip_sample}): N timesteps {@code t_i = i · (T / N)} run from the last down to 0; at each,
 * the UNet predicts ε, {@code x̂₀ = (x − sqrt(1 − alphā_t) ε) / sqrt(alphā_t)} is clipped to [−1,
 * 1], and {@code x ← sqrt(alphā_prev) x̂₀ + sqrt(1 − alphā_prev) ε}, with {@code alphā_prev = 1}
 * after the last step.
 *
 * <pre>{@code
 * GraphExecutor exec = new GraphExecutor(unet);
 * NDArray images = new DdimSampler(DdpmSchedule.linear1000(), 50)
 *         .sample((x, t) -> exec.forward(new NDList(x, t)).head(), manager, new Shape(16, 3, 32, 32), 0);
 * }</pre>
 */
public final class DdimSampler {

    /** A noise-predicting model: ε for a noisy batch at integer timesteps. */
    @FunctionalInterface
    public interface NoisePredictor {

        /**
         * Predicts the noise of a batch.
         *
         * @param sample the noisy batch [B, C, H, W]
         * @param timestep the timestep of each sample, int64 [B]
         * @return the predicted noise, of the sample's shape
         */
        NDArray predict(NDArray sample, NDArray timestep);
    }

    private final DdpmSchedule schedule;
    private final int steps;

    /**
     * Creates a sampler.
     *
     * @param schedule the training schedule
     * @param steps the number of denoising steps, in [1, training steps]
     * @throws IllegalArgumentException if steps is out of range
     */
    public DdimSampler(DdpmSchedule schedule, int steps) {
        if (steps < 1 || steps > schedule.steps()) {
            throw new IllegalArgumentException("steps must be in [1, " + schedule.steps()
                    + "], found " + steps);
        }
        this.schedule = schedule;
        this.steps = steps;
    }

    /**
     * Samples a batch from seeded Gaussian noise.
     *
     * @param model the UNet
     * @param manager owns the result
     * @param shape the batch shape [B, C, H, W]
     * @param seed the noise seed
     * @return the samples, in about [−1, 1]
     */
    public NDArray sample(NoisePredictor model, NDManager manager, Shape shape, long seed) {
        Random random = new Random(seed);
        float[] noise = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) random.nextGaussian();
        }
        NDArray x = manager.create(noise, shape);
        int ratio = schedule.steps() / steps;
        for (int i = steps - 1; i >= 0; i--) {
            int t = i * ratio;
            try (NDManager step = manager.newSubManager()) {
                NDArray eps = model.predict(x, step.full(new Shape(shape.get(0)), t, DataType.INT64));
                double alphaPrev = i == 0 ? 1 : schedule.alphaCumprod(t - ratio);
                NDArray next = step(x, eps, schedule.alphaCumprod(t), alphaPrev);
                next.attach(manager);
                x = next;
            }
        }
        return x;
    }

    /**
     * One DDIM step with η = 0.
     *
     * @param x the current sample
     * @param eps the predicted noise
     * @param alpha {@code alphā_t}
     * @param alphaPrev {@code alphā} of the next (less noisy) timestep
     * @return the next sample
     */
    static NDArray step(NDArray x, NDArray eps, double alpha, double alphaPrev) {
        NDArray x0 = x.sub(eps.mul(Math.sqrt(1 - alpha))).div(Math.sqrt(alpha)).clip(-1, 1);
        return x0.mul(Math.sqrt(alphaPrev)).add(eps.mul(Math.sqrt(1 - alphaPrev)));
    }
}
