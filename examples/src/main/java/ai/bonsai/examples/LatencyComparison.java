package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.cli.Latency;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Compares the CPU latency of several models fairly on a shared machine: the models are measured
 * in turn, round after round, and each model's figure is its fastest round's median. Load from
 * other processes only ever slows a round down, so the fastest round is the closest to the
 * model's own cost, and interleaving keeps a burst of load from favouring one model.
 *
 * @param rounds how many times each model is measured
 * @param runs the timed forward passes of each measurement
 */
record LatencyComparison(int rounds, int runs) {

    /**
     * Measures every model at an input shape.
     *
     * @param graphs the models
     * @param input the input shape
     * @return each model's latency in milliseconds (its fastest round's median), in the order of
     *     {@code graphs}
     */
    double[] medians(List<Graph> graphs, Shape input) {
        double[][] perRound = new double[graphs.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int g = 0; g < graphs.size(); g++) {
                perRound[g][r] = Latency.measure(graphs.get(g), input, runs).medianMillis();
            }
        }
        double[] fastest = new double[graphs.size()];
        for (int g = 0; g < graphs.size(); g++) {
            fastest[g] = Arrays.stream(perRound[g]).min().orElseThrow();
        }
        return fastest;
    }
}
