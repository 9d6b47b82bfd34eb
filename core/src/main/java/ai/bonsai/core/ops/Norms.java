package ai.bonsai.core.ops;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.ParameterSpec;
import ai.bonsai.api.op.ChannelScoring;
import ai.bonsai.api.prune.PruningHandle;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;

/** What the normalization op types (batch, layer, group and instance norm) share. */
final class Norms {

    private Norms() {
    }

    /**
     * Torch-Pruning's count for a normalization module: twice its input elements when it has an
     * affine weight, its input elements otherwise.
     *
     * @param node a normalization node
     * @return the MACs
     */
    static long macs(Node node) {
        long elements = node.input().shape().size();
        return node.hasParameter("weight") ? 2 * elements : elements;
    }

    /**
     * The affine parameters of a normalization: {@code weight} (ones) and {@code bias} (zeros).
     *
     * @param affine whether the node is affine
     * @param shape their shape
     * @return the two declarations, or none when not affine
     */
    static List<ParameterSpec> affine(boolean affine, Shape shape) {
        if (!affine) {
            return List.of();
        }
        return List.of(ParameterSpec.weight("weight", shape, ParameterSpec.Init.ONES),
                ParameterSpec.weight("bias", shape, ParameterSpec.Init.ZEROS));
    }

    /**
     * Scores a norm's affine scale (and bias) on its output handle, when it has one.
     *
     * @param node the norm node
     * @param handle the handle a group prunes
     * @param kind the norm's scoring role
     * @return the scoring, or empty for a norm without affine parameters
     */
    static Optional<ChannelScoring> scoring(Node node, PruningHandle handle, ChannelScoring.Kind kind) {
        if (handle != PruningHandle.PRUNE_OUT || !node.hasParameter("weight")) {
            return Optional.empty();
        }
        return Optional.of(ChannelScoring.normScale(kind,
                node.hasParameter("bias") ? Optional.of("bias") : Optional.empty()));
    }
}
