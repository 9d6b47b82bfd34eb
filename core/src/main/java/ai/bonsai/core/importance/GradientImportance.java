package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.djl.ndarray.NDList;
import java.util.Set;

/**
 * An element-wise criterion fed with gradients recorded from calibration batches ({@link
 * GradientStore}): Taylor, Hessian, OBDC.
 */
abstract class GradientImportance extends ElementwiseImportance implements CalibratedCriterion {

    private final GradientStore gradients;

    GradientImportance(ImportanceOptions options, Set<Kind> defaultRoles, GradientStore gradients) {
        super(options, defaultRoles);
        this.gradients = gradients;
    }

    /**
     * Returns the recorded gradients.
     *
     * @return the store
     */
    GradientStore gradients() {
        return gradients;
    }

    @Override
    public void accumulate(Graph graph, NDList inputs) {
        gradients.accumulate(graph, inputs);
    }

    @Override
    public boolean isCalibrated() {
        return !gradients.isEmpty();
    }

    @Override
    public void reset() {
        gradients.clear();
    }

    /**
     * Returns the second-order saliency {@code w²·(h + eps)} of every element, in float32.
     *
     * @param parameter the weight
     * @param eps added to every curvature entry
     * @return the element scores, row-major
     */
    float[] secondOrder(Parameter parameter, float eps) {
        float[] w = parameter.array().toFloatArray();
        float[] h = gradients.of(name(), parameter);
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] * w[i] * (h[i] + eps);
        }
        return w;
    }
}
