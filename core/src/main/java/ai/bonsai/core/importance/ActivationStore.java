package ai.bonsai.core.importance;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Per-channel statistics of the inputs of every convolution and linear layer over calibration
 * batches, recorded in eval mode through the executor's observer: for input channel j, the
 * number of values n, their sum and their sum of squares (in double). The channel of a
 * convolution's input is dimension 1, of a linear layer's the last dimension; every other
 * dimension (batch, positions, tokens) counts as samples.
 */
final class ActivationStore {

    /** Statistics of one layer's input channels. */
    record Stats(long count, double[] sum, double[] squares) {

        /**
         * Returns each channel's mean.
         *
         * @return the means
         */
        double[] means() {
            double[] m = new double[sum.length];
            for (int j = 0; j < m.length; j++) {
                m[j] = sum[j] / count;
            }
            return m;
        }

        /**
         * Returns each channel's sample variance (FLAP's fluctuation).
         *
         * @return {@code sum (x - mean)² / (n - 1)}
         */
        double[] variances() {
            double[] v = new double[sum.length];
            for (int j = 0; j < v.length; j++) {
                v[j] = (squares[j] - sum[j] * sum[j] / count) / Math.max(1, count - 1);
            }
            return v;
        }
    }

    private final Map<String, Stats> stats = new HashMap<>();

    /**
     * Runs one batch and adds its statistics.
     *
     * @param graph the graph
     * @param inputs one array per graph input
     */
    void accumulate(Graph graph, NDList inputs) {
        new GraphExecutor(graph).forward(inputs, false, this::observe).close();
    }

    private void observe(Node node, NDList in) {
        OptionalInt observed = node.op().observedInputChannelDim(node);
        if (observed.isEmpty()) {
            return;
        }
        NDArray x = in.head();
        int rank = x.getShape().dimension();
        int dim = observed.getAsInt();
        boolean last = dim == rank - 1;
        int channels = (int) x.getShape().get(dim);
        try (NDArray flat = (last ? x : x.swapAxes(0, dim).reshape(channels, -1).transpose())
                .reshape(-1, channels)) {
            double[] sum = toDouble(flat.sum(new int[] {0}));
            double[] squares = toDouble(flat.square().sum(new int[] {0}));
            long count = flat.getShape().get(0);
            stats.merge(node.name(), new Stats(count, sum, squares), (a, b) -> {
                if (a.sum().length != b.sum().length) {
                    throw new PruningException("input of '" + node.name() + "' now has "
                            + b.sum().length + " channels, recorded " + a.sum().length
                            + ": reset the criterion after pruning");
                }
                for (int j = 0; j < a.sum().length; j++) {
                    a.sum()[j] += b.sum()[j];
                    a.squares()[j] += b.squares()[j];
                }
                return new Stats(a.count() + b.count(), a.sum(), a.squares());
            });
        }
    }

    private static double[] toDouble(NDArray a) {
        try (a) {
            float[] f = a.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
    }

    /**
     * Tells whether a batch has been recorded.
     *
     * @return true if nothing has
     */
    boolean isEmpty() {
        return stats.isEmpty();
    }

    /** Forgets every batch. */
    void clear() {
        stats.clear();
    }

    /**
     * Returns a layer's input statistics.
     *
     * @param criterion the criterion's name, for error messages
     * @param node the layer
     * @param channels its current number of input channels
     * @return the statistics
     * @throws PruningException if nothing was recorded for it or its width changed since
     */
    Stats of(String criterion, Node node, long channels) {
        Stats s = stats.get(node.name());
        if (s == null) {
            throw new PruningException(criterion + " importance has no activations of '"
                    + node.name() + "': call accumulate(graph, inputs) on the graph before scoring");
        }
        if (s.sum().length != channels) {
            throw new PruningException(criterion + " importance recorded " + s.sum().length
                    + " input channels of '" + node.name() + "', it now has " + channels
                    + ": reset and accumulate again after pruning");
        }
        return s;
    }
}
