package ai.bonsai.core.train;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * The training guard: fails loudly, naming the parameter or output, as soon as a training step
 * leaves a NaN or an infinity behind, instead of letting it spread into a model that reports
 * chance accuracy. One reduction per parameter and one host copy per check.
 */
final class FiniteValues {

    private FiniteValues() {
    }

    /**
     * Checks every trainable parameter of a graph (the optimizer's previous update).
     *
     * @param graph the graph being trained
     * @throws GraphException naming the first parameter holding a NaN or an infinity
     */
    static void requireFiniteParameters(Graph graph) {
        List<Parameter> trained = new ArrayList<>();
        for (Parameter p : graph.parameters().values()) {
            if (p.trainable() && p.dataType().isFloating()) {
                trained.add(p);
            }
        }
        if (trained.isEmpty()) {
            return;
        }
        NDManager scratch = trained.get(0).array().getManager().newSubManager();
        try (scratch) {
            NDList sums = new NDList(trained.size());
            for (Parameter p : trained) {
                NDArray s = p.array().sum();
                s.attach(scratch);
                sums.add(s);
            }
            NDArray stacked = NDArrays.stack(sums);
            stacked.attach(scratch);
            float[] values = stacked.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new GraphException("graph '" + graph.name() + "': parameter '"
                            + trained.get(i).name() + "' " + trained.get(i).shape() + " holds "
                            + kind(trained.get(i).array()) + " after the last training step;"
                            + " lower the learning rate or check the gradients");
                }
            }
        }
    }

    /**
     * Checks the outputs of a training forward pass, whose parameters were finite.
     *
     * @param graph the graph
     * @param outputs its outputs, in the graph's output order
     * @throws GraphException naming the first output holding a NaN or an infinity
     */
    static void requireFiniteOutputs(Graph graph, NDList outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            NDArray o = outputs.get(i);
            if (!o.getDataType().isFloating()) {
                continue;
            }
            try (NDArray sum = o.sum()) {
                if (!Float.isFinite(sum.toType(DataType.FLOAT32, false).getFloat())) {
                    Value v = graph.outputs().get(i);
                    throw new GraphException("graph '" + graph.name() + "': output '" + v.name()
                            + "' holds " + kind(o) + " in a training forward pass although every"
                            + " parameter is finite; check the input batch");
                }
            }
        }
    }

    private static String kind(NDArray a) {
        try (NDArray nan = a.isNaN().any()) {
            return nan.getBoolean() ? "NaN" : "an infinity";
        }
    }
}
