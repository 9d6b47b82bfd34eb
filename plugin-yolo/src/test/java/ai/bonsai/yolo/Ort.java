package ai.bonsai.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs an exported model in ONNX Runtime (test scope). */
final class Ort {

    private Ort() {
    }

    /**
     * Returns a model's input and output names.
     *
     * @param model the ONNX file
     * @return the input names, then the output names
     * @throws OrtException if ONNX Runtime refuses the model
     */
    static List<String> names(Path model) throws OrtException {
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toString(),
                new OrtSession.SessionOptions())) {
            List<String> names = new ArrayList<>(session.getInputNames());
            names.addAll(session.getOutputNames());
            return names;
        }
    }

    /**
     * Runs a single-input model and returns its first output.
     *
     * @param model the ONNX file
     * @param inputName the input's name
     * @param input the input
     * @param m the manager of the result
     * @return the output with its shape
     * @throws OrtException if ONNX Runtime refuses the model
     */
    static NDArray run(Path model, String inputName, NDArray input, NDManager m) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toFloatArray()),
                     input.getShape().getShape());
             OrtSession.Result result = session.run(Map.of(inputName, x))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer values = out.getFloatBuffer();
            float[] data = new float[values.remaining()];
            values.get(data);
            return m.create(data, new Shape(out.getInfo().getShape()));
        }
    }
}
