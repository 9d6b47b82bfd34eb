package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Gradients recorded from calibration batches, by parameter name, through Bonsai's {@link
 * GraphExecutor} (eval mode: batch norms use their running statistics).
 *
 * <p>Two kinds: {@link #summed} adds up the gradient of the loss over every batch, as gradients
 * accumulate in PyTorch between {@code zero_grad} calls (first-order Taylor); {@link
 * #squaredPerSample} runs every sample of a batch on its own and keeps the mean of the squared
 * gradients (Torch-Pruning's Hessian diagonal estimate, an empirical Fisher).
 */
final class GradientStore {

    private final boolean perSample;
    private final Function<NDList, NDArray> loss;
    private final Map<String, float[]> sums = new HashMap<>();
    private int count;

    private GradientStore(boolean perSample, Function<NDList, NDArray> loss) {
        this.perSample = perSample;
        this.loss = loss;
    }

    /**
     * Returns a store that adds up gradients over batches.
     *
     * @param loss the scalar loss of the outputs
     * @return the store
     */
    static GradientStore summed(Function<NDList, NDArray> loss) {
        return new GradientStore(false, loss);
    }

    /**
     * Returns a store of the mean squared per-sample gradient.
     *
     * @param loss the scalar loss of one sample's outputs
     * @return the store
     */
    static GradientStore squaredPerSample(Function<NDList, NDArray> loss) {
        return new GradientStore(true, loss);
    }

    /**
     * The default loss: the sum of every element of every graph output.
     *
     * @param outputs the outputs
     * @return their sum
     */
    static NDArray sumOfOutputs(NDList outputs) {
        NDArray total = outputs.get(0).sum();
        for (int i = 1; i < outputs.size(); i++) {
            total = total.add(outputs.get(i).sum());
        }
        return total;
    }

    /**
     * Records one batch.
     *
     * @param graph the graph
     * @param inputs one array per graph input
     */
    void accumulate(Graph graph, NDList inputs) {
        GraphExecutor exec = new GraphExecutor(graph);
        if (!perSample) {
            add(exec, inputs, false);
            count++;
            return;
        }
        long batch = inputs.head().getShape().get(0);
        for (long s = 0; s < batch; s++) {
            NDList sample = new NDList();
            for (NDArray in : inputs) {
                sample.add(in.get(new NDIndex("{}:{}", s, s + 1)));
            }
            add(exec, sample, true);
            sample.close();
            count++;
        }
    }

    private void add(GraphExecutor exec, NDList inputs, boolean square) {
        for (Map.Entry<String, NDArray> e : exec.gradients(inputs, loss, false).entrySet()) {
            float[] g;
            try (NDArray grad = e.getValue()) {
                g = grad.toFloatArray();
            }
            float[] sum = sums.computeIfAbsent(e.getKey(), k -> new float[g.length]);
            if (sum.length != g.length) {
                throw new PruningException("gradient of '" + e.getKey() + "' has " + g.length
                        + " elements, recorded ones " + sum.length
                        + ": reset the criterion after pruning");
            }
            for (int i = 0; i < g.length; i++) {
                sum[i] += square ? g[i] * g[i] : g[i];
            }
        }
    }

    /**
     * Tells whether a batch has been recorded.
     *
     * @return true if so
     */
    boolean isEmpty() {
        return count == 0;
    }

    /** Forgets every batch. */
    void clear() {
        sums.clear();
        count = 0;
    }

    /**
     * Returns the recorded value of a parameter: the summed gradient, or the mean squared
     * per-sample gradient.
     *
     * @param criterion the criterion's name, for error messages
     * @param p the parameter
     * @return one value per element, row-major
     * @throws PruningException if nothing was recorded for it or its shape changed since
     */
    float[] of(String criterion, Parameter p) {
        float[] sum = sums.get(p.name());
        if (sum == null) {
            throw new PruningException(criterion + " importance has no gradient of '" + p.name()
                    + "': call accumulate(graph, inputs) on the graph before scoring");
        }
        if (sum.length != p.shape().size()) {
            throw new PruningException(criterion + " importance recorded " + sum.length
                    + " gradient entries of '" + p.name() + "', now of shape " + p.shape()
                    + ": reset and accumulate again after pruning");
        }
        if (!perSample) {
            return sum;
        }
        float[] mean = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            mean[i] = sum[i] / count;
        }
        return mean;
    }
}
