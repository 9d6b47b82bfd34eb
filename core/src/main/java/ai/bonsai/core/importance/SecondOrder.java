package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Parameter;

/** The element-wise second-order saliency {@code w²·(h + eps)} shared by Hessian and OBDC. */
final class SecondOrder {

    private SecondOrder() {
    }

    /**
     * Returns {@code w²·(h + eps)} per element, in float32.
     *
     * @param parameter the weight
     * @param h the curvature estimate, one per element
     * @param eps added to every curvature entry
     * @return the element scores, row-major
     */
    static float[] weighted(Parameter parameter, float[] h, float eps) {
        float[] w = parameter.array().toFloatArray();
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] * w[i] * (h[i] + eps);
        }
        return w;
    }
}
