package ai.bonsai.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs ONNX files in ONNX Runtime (test scope). */
final class Ort {

    private Ort() {
    }

    /**
     * Runs a single-input, single-output float model.
     *
     * @param model the ONNX file
     * @param inputName the graph input's name
     * @param input the input
     * @return the first output, flattened
     * @throws OrtException if ONNX Runtime refuses the model
     */
    static float[] run(Path model, String inputName, NDArray input) throws OrtException {
        return run(model, Map.of(inputName, input));
    }

    /**
     * Runs a float-output model on float32 and int64 inputs.
     *
     * @param model the ONNX file
     * @param inputs the inputs by graph input name
     * @return the first output, flattened
     * @throws OrtException if ONNX Runtime refuses the model
     */
    static float[] run(Path model, Map<String, NDArray> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            for (Map.Entry<String, NDArray> e : inputs.entrySet()) {
                NDArray a = e.getValue();
                long[] dims = a.getShape().getShape();
                tensors.put(e.getKey(), a.getDataType() == DataType.INT64
                        ? OnnxTensor.createTensor(env, LongBuffer.wrap(a.toLongArray()), dims)
                        : OnnxTensor.createTensor(env, FloatBuffer.wrap(a.toFloatArray()), dims));
            }
            try (OrtSession.Result result = session.run(tensors)) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] values = new float[out.remaining()];
                out.get(values);
                return values;
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Runs a model on one float input and returns every float output.
     *
     * @param model the ONNX file
     * @param inputName the graph input's name
     * @param input the input
     * @return the outputs, flattened, by output name in the graph's order
     * @throws OrtException if ONNX Runtime refuses the model
     */
    static Map<String, float[]> runAll(Path model, String inputName, NDArray input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toFloatArray()),
                        input.getShape().getShape());
                OrtSession.Result result = session.run(Map.of(inputName, x))) {
            Map<String, float[]> outputs = new java.util.LinkedHashMap<>();
            result.forEach(e -> {
                FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] values = new float[b.remaining()];
                b.get(values);
                outputs.put(e.getKey(), values);
            });
            return outputs;
        }
    }

    /**
     * Runs a model on one float input and returns the shape of every output.
     *
     * @param model the ONNX file
     * @param inputName the graph input's name
     * @param input the input
     * @return the output shapes by output name, in the graph's order
     * @throws OrtException if ONNX Runtime refuses the model
     */
    static Map<String, long[]> outputShapes(Path model, String inputName, NDArray input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toFloatArray()),
                        input.getShape().getShape());
                OrtSession.Result result = session.run(Map.of(inputName, x))) {
            Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
            result.forEach(e -> {
                try {
                    shapes.put(e.getKey(), ((OnnxTensor) e.getValue()).getInfo().getShape());
                } catch (ClassCastException ex) {
                    throw new IllegalStateException("output '" + e.getKey() + "' is not a tensor", ex);
                }
            });
            return shapes;
        }
    }

    /**
     * Returns the largest absolute difference of two equally long arrays.
     *
     * @param a the first
     * @param b the second
     * @return the difference (infinite if the lengths differ)
     */
    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Float.POSITIVE_INFINITY;
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
