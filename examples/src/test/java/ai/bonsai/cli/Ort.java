package ai.bonsai.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs ONNX files in ONNX Runtime (CPU, default session options) for the tests that check an
 * exported model there: one session per call, inputs from DJL arrays (int64 arrays as int64
 * tensors, all others as float32), every native resource closed before returning.
 */
final class Ort {

    private Ort() {
    }

    /**
     * Runs a single-input model with a float output.
     *
     * @param model the ONNX file
     * @param inputName the graph input's name
     * @param input the input
     * @return the first output, flattened
     * @throws OrtException if ONNX Runtime refuses the model or the input
     */
    static float[] run(Path model, String inputName, NDArray input) throws OrtException {
        return run(model, Map.of(inputName, input));
    }

    /**
     * Runs a model with a float output, feeding each input the model declares from the map.
     *
     * @param model the ONNX file
     * @param inputs the inputs by graph input name; entries the model does not declare are unused
     * @return the first output, flattened
     * @throws OrtException if ONNX Runtime refuses the model or an input
     * @throws IllegalArgumentException naming the input if the map lacks one the model declares
     */
    static float[] run(Path model, Map<String, NDArray> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            try {
                for (String name : session.getInputNames()) {
                    feed.put(name, tensor(env, name, inputs.get(name)));
                }
                try (OrtSession.Result result = session.run(feed)) {
                    FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    float[] values = new float[out.remaining()];
                    out.get(values);
                    return values;
                }
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        }
    }

    /**
     * Runs a single-input model and returns the shape of every output.
     *
     * @param model the ONNX file
     * @param inputName the graph input's name
     * @param input the input
     * @return the output shapes by output name, in the graph's order
     * @throws OrtException if ONNX Runtime refuses the model or the input
     */
    static Map<String, long[]> outputShapes(Path model, String inputName, NDArray input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = tensor(env, inputName, input);
                OrtSession.Result result = session.run(Map.of(inputName, x))) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            result.forEach(e -> shapes.put(e.getKey(), ((OnnxTensor) e.getValue()).getInfo().getShape()));
            return shapes;
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, String name, NDArray a) throws OrtException {
        if (a == null) {
            throw new IllegalArgumentException("no value given for the model's input '" + name + "'");
        }
        long[] shape = a.getShape().getShape();
        return a.getDataType() == DataType.INT64
                ? OnnxTensor.createTensor(env, LongBuffer.wrap(a.toLongArray()), shape)
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(a.toFloatArray()), shape);
    }
}
