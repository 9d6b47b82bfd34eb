package ai.bonsai.core.importance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.function.Function;

/**
 * A {@link CriterionBuilder} for criteria that record gradients: the loss whose gradients are
 * taken, by default the sum of every element of every graph output.
 *
 * @param <B> the concrete builder
 */
public abstract class GradientBuilder<B extends GradientBuilder<B>> extends CriterionBuilder<B> {

    private Function<NDList, NDArray> loss = GradientStore::sumOfOutputs;

    /** Creates a builder whose loss is the sum of the outputs. */
    protected GradientBuilder() {
    }

    /**
     * Sets the scalar loss of the graph's outputs whose gradients are recorded.
     *
     * @param loss maps the outputs (and nothing else) to a scalar
     * @return this builder
     */
    public B optLoss(Function<NDList, NDArray> loss) {
        this.loss = loss;
        return self();
    }

    /**
     * Returns the loss.
     *
     * @return the loss
     */
    Function<NDList, NDArray> loss() {
        return loss;
    }
}
