package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** Measures a graph's forward latency on DJL: the median of timed passes after a warm-up. */
public final class Latency {

    /** Timed forward passes per measurement. */
    static final int RUNS = 30;

    private static final int WARM_UP = 5;

    /**
     * The outcome of one measurement.
     *
     * @param medianMillis the median latency of one forward pass, in milliseconds
     * @param outputShape the shape of the graph's first output
     */
    public record Result(double medianMillis, Shape outputShape) {
    }

    private Latency() {
    }

    /**
     * Runs {@link #WARM_UP} untimed and {@link #RUNS} timed forward passes (eval mode) on one
     * random input; each pass's tensors are freed before the next.
     *
     * @param graph the graph
     * @param inputShape the input shape
     * @return the median latency and the output shape
     */
    public static Result measure(Graph graph, Shape inputShape) {
        return measure(graph, inputShape, RUNS);
    }

    /**
     * Runs {@code min(}{@link #WARM_UP}{@code , runs)} untimed and {@code runs} timed forward
     * passes (eval mode).
     *
     * @param graph the graph
     * @param inputShape the input shape
     * @param runs the number of timed passes
     * @return the median latency and the output shape
     */
    public static Result measure(Graph graph, Shape inputShape, int runs) {
        GraphExecutor executor = new GraphExecutor(graph);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray input = manager.randomNormal(inputShape);
            Shape outputShape = null;
            double[] millis = new double[runs];
            for (int i = -Math.min(WARM_UP, runs); i < runs; i++) {
                try (NDManager pass = manager.newSubManager()) {
                    NDArray x = input.duplicate();
                    x.attach(pass);
                    long start = System.nanoTime();
                    NDList out = executor.forward(new NDList(x));
                    long end = System.nanoTime();
                    outputShape = out.get(0).getShape();
                    if (i >= 0) {
                        millis[i] = (end - start) / 1e6;
                    }
                }
            }
            return new Result(median(millis), outputShape);
        }
    }

    /**
     * Returns the median of values.
     *
     * @param values the values
     * @return the median
     */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
