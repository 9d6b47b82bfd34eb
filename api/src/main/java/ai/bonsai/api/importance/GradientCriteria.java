package ai.bonsai.api.importance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.function.Function;

/**
 * Creates the host's gradient-based criteria with a loss of the plugin's choosing, so that a
 * plugin criterion that drives its own calibration (Diff-Pruning's timestep loop, for one) scores
 * exactly as the built-in ones do. The host binds an implementation; extensions {@code @Inject}
 * it.
 *
 * <pre>{@code
 * @Inject
 * public MyCriterion(GradientCriteria criteria) {
 *     this.taylor = criteria.taylor(outputs -> outputs.head().sub(target).square().mean());
 * }
 * }</pre>
 */
public interface GradientCriteria {

    /**
     * Returns a first-order Taylor criterion (Torch-Pruning's {@code TaylorImportance} with its
     * defaults) that sums, over the batches it is fed, the gradients of a loss of the graph's
     * outputs.
     *
     * @param loss maps the graph's outputs to a scalar; called once per batch, inside the
     *     gradient recording
     * @return a fresh criterion
     */
    CalibratedCriterion taylor(Function<NDList, NDArray> loss);
}
