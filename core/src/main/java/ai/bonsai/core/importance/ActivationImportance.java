package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.op.ChannelScoring.Kind;
import ai.bonsai.api.op.ChannelScoring;
import ai.bonsai.api.prune.PruningHandle;
import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.Set;

/**
 * A criterion that weighs each weight element by a statistic of the input channel it reads,
 * recorded from calibration batches ({@link ActivationStore}): the element scores are summed per
 * channel like {@link MagnitudeImportance}'s, then reduced and normalized. The bias option does
 * not apply.
 */
abstract class ActivationImportance extends GroupImportance implements CalibratedCriterion {

    private final ActivationStore activations = new ActivationStore();

    ActivationImportance(ImportanceOptions options, Set<Kind> defaultRoles) {
        super(options, defaultRoles);
    }

    /**
     * Returns the score of one element from its weight and its input channel's statistics.
     *
     * @param w the weight element
     * @param stats the statistics of the layer's inputs
     * @param channel the element's input channel
     * @return the element's score
     */
    abstract float element(float w, ActivationStore.Stats stats, int channel);

    @Override
    public void accumulate(Graph graph, NDList inputs) {
        activations.accumulate(graph, inputs);
    }

    @Override
    public boolean isCalibrated() {
        return !activations.isEmpty();
    }

    @Override
    public void reset() {
        activations.clear();
    }

    /**
     * Returns a layer's input statistics.
     *
     * @param node a convolution or linear layer
     * @return its statistics, checked against its current width
     */
    ActivationStore.Stats stats(Node node) {
        return activations.of(name(), node, inputChannels(node));
    }

    @Override
    List<float[]> scoreMember(ScoredMember m) {
        Node node = m.member().node();
        ActivationStore.Stats stats = stats(node);
        float[] w = m.weight().array().toFloatArray();
        long[] shape = m.weight().shape().getShape();
        for (int i = 0; i < w.length; i++) {
            w[i] = element(w[i], stats, inputChannel(node, shape, i));
        }
        return List.of(m.select(ChannelSums.of(w, shape).along(m.channelDim())));
    }

    private static long inputChannels(Node node) {
        return node.input().shape().get(node.op().observedInputChannelDim(node).orElse(1));
    }

    /**
     * Returns the input channel a weight element reads, from the op type's input-channel scoring
     * dimension: its row when input channels are rows (transposed and depthwise convolutions);
     * otherwise its column, plus its channel group's offset ({@code [out, in/groups, k…]}).
     */
    private static int inputChannel(Node node, long[] shape, int flat) {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        int inner = (int) (flatSize(shape) / ((long) rows * cols));
        int row = flat / (cols * inner);
        int col = (flat / inner) % cols;
        int inDim = node.op().scoring(node, PruningHandle.PRUNE_IN)
                .map(ChannelScoring::channelDim).orElse(1);
        if (inDim == 0) {
            return row;
        }
        int groups = node.op().channelGroups(node, PruningHandle.PRUNE_IN);
        return (row / (rows / groups)) * cols + col;
    }

    private static long flatSize(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
