package ai.bonsai.onnx;

import ai.djl.ndarray.NDArray;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
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
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toFloatArray()),
                     input.getShape().getShape());
             OrtSession.Result result = session.run(Map.of(inputName, x))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
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
