package ai.bonsai.diffusion;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.importance.GradientCriteria;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.PruningException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.pf4j.Extension;

/**
 * {@code diff-pruning}: Diff-Pruning's importance (Fang et al., NeurIPS 2023) for a diffusion UNet
 * with inputs {@code sample} and {@code timestep}: first-order Taylor scores of gradients summed
 * over the timesteps of the DDPM forward process.
 *
 * <p>{@link #accumulate} takes one batch of clean calibration images x₀ [B, C, H, W] and, for t
 * = 0, 1, ... ({@link DdpmSchedule}: linear betas, 1000 steps), draws noise ε (seeded Gaussian),
 * forms {@code x_t = sqrt(alphā_t) x₀ + sqrt(1 − alphā_t) ε}, runs the UNet on (x_t, t) and adds
 * the gradients of the loss {@code mean((UNet(x_t, t) − ε)²)}; it stops after the first step
 * whose loss falls below {@code threshold} times the largest loss so far (default 0.05), as the
 * paper's code does, or after the last timestep. {@link #report()} gives the step it stopped at
 * and each step's loss. Scoring is the host's Taylor criterion on those gradients.
 *
 * <p>Parameters ({@link #withParameters}): {@code threshold} (in (0, 1), default 0.05), {@code
 * seed} (default 0), {@code timesteps} (training timesteps, default 1000), {@code beta_start}
 * (1e-4), {@code beta_end} (0.02). The same seed, images and graph give the same scores.
 *
 * <pre>{@code
 * DiffPruningImportance diff = new DiffPruningImportance(criteria);
 * diff.accumulate(unet, new NDList(images));
 * int stoppedAt = diff.report().stopStep();
 * pruner.start(unet, PruningConfig.builder().setImportance(diff).optRatio(0.3).build()).step();
 * }</pre>
 */
@Extension
public final class DiffPruningImportance implements CalibratedCriterion {

    /** The registry name. */
    public static final String NAME = "diff-pruning";

    private final GradientCriteria criteria;
    private final double threshold;
    private final long seed;
    private final DdpmSchedule schedule;
    private final CalibratedCriterion taylor;
    private NDArray target;
    private double lastLoss;
    private Report report;

    /**
     * What one calibration did.
     *
     * @param stopStep the last timestep whose gradients were added
     * @param losses the loss of each timestep, from 0 to {@code stopStep}
     */
    public record Report(int stopStep, List<Double> losses) {

        /**
         * Copies the losses.
         */
        public Report {
            losses = List.copyOf(losses);
        }
    }

    /**
     * Creates the criterion with the paper's settings (threshold 0.05, seed 0, linear betas over
     * 1000 steps).
     *
     * @param criteria the host's gradient criteria
     */
    @Inject
    public DiffPruningImportance(GradientCriteria criteria) {
        this(criteria, 0.05, 0, DdpmSchedule.linear1000());
    }

    private DiffPruningImportance(GradientCriteria criteria, double threshold, long seed,
            DdpmSchedule schedule) {
        this.criteria = criteria;
        this.threshold = threshold;
        this.seed = seed;
        this.schedule = schedule;
        this.taylor = criteria.taylor(this::loss);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException naming {@code importance.KEY} for an unknown key or a bad value
     */
    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        double thr = threshold;
        long s = seed;
        int steps = schedule.steps();
        double betaStart = 1e-4;
        double betaEnd = 0.02;
        for (Map.Entry<String, ?> e : parameters.entrySet()) {
            String field = "importance." + e.getKey();
            if (!(e.getValue() instanceof Number n)) {
                throw new ConfigException(field, "must be a number, found " + e.getValue());
            }
            switch (e.getKey()) {
                case "threshold" -> thr = n.doubleValue();
                case "seed" -> s = n.longValue();
                case "timesteps" -> steps = n.intValue();
                case "beta_start" -> betaStart = n.doubleValue();
                case "beta_end" -> betaEnd = n.doubleValue();
                default -> throw new ConfigException(field, "unknown parameter of criterion '" + NAME
                        + "'; known: [beta_end, beta_start, seed, threshold, timesteps]");
            }
        }
        if (!(thr > 0 && thr < 1)) {
            throw new ConfigException("importance.threshold", "must be in (0, 1), found " + thr);
        }
        try {
            return new DiffPruningImportance(criteria, thr, s, new DdpmSchedule(betaStart, betaEnd, steps));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("importance.timesteps", e.getMessage());
        }
    }

    /**
     * Runs the forward-process loop on one batch of clean images and adds its gradients.
     *
     * @param graph the UNet (inputs {@code sample}, {@code timestep})
     * @param inputs one array: the clean images [B, C, H, W], scaled to [-1, 1]
     */
    @Override
    public void accumulate(Graph graph, NDList inputs) {
        if (inputs.size() != 1 || graph.inputs().size() != 2) {
            throw new PruningException(NAME + " importance needs one array of clean images and a"
                    + " graph with inputs (sample, timestep); got " + inputs.size() + " arrays for "
                    + graph.inputs().size() + " graph inputs");
        }
        NDArray images = inputs.head();
        Random random = new Random(seed);
        List<Double> losses = new ArrayList<>();
        double max = 0;
        int step = 0;
        try (NDManager m = images.getManager().newSubManager()) {
            Shape shape = images.getShape();
            long batch = shape.get(0);
            for (; step < schedule.steps(); step++) {
                float[] noise = new float[Math.toIntExact(shape.size())];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (float) random.nextGaussian();
                }
                target = m.create(noise, shape);
                double a = schedule.alphaCumprod(step);
                NDArray noisy = images.mul(Math.sqrt(a)).add(target.mul(Math.sqrt(1 - a)));
                NDArray t = m.full(new Shape(batch), step, DataType.INT64);
                taylor.accumulate(graph, new NDList(noisy, t));
                losses.add(lastLoss);
                max = Math.max(max, lastLoss);
                if (lastLoss < threshold * max) {
                    break;
                }
            }
        } finally {
            target = null;
        }
        report = new Report(Math.min(step, schedule.steps() - 1), losses);
    }

    private NDArray loss(NDList outputs) {
        NDArray loss = outputs.head().sub(target).square().mean();
        lastLoss = loss.getFloat();
        return loss;
    }

    /**
     * Returns what the last {@link #accumulate} did.
     *
     * @return the report
     * @throws PruningException if nothing was accumulated yet
     */
    public Report report() {
        if (report == null) {
            throw new PruningException(NAME + " importance has not been calibrated: call accumulate"
                    + " with clean images first");
        }
        return report;
    }

    @Override
    public boolean isCalibrated() {
        return taylor.isCalibrated();
    }

    @Override
    public void reset() {
        taylor.reset();
        report = null;
    }

    @Override
    public Optional<double[]> score(Group group) {
        return taylor.score(group);
    }

    @Override
    public List<Optional<double[]>> scoreAll(List<Group> groups) {
        return taylor.scoreAll(groups);
    }
}
