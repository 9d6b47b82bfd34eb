package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture UNet written to ONNX through the host's ONNX format (which finds this plugin's
 * {@link TimestepEmbeddingCodec} and the ONNX plugin's attention codec) runs in ONNX Runtime:
 * unpruned equal to PyTorch's {@code out_sample}, pruned (L2, 30 %, conv_out ignored) equal to
 * Bonsai's DJL execution of the pruned graph.
 */
class DiffusionOnnxExportTest {

    @TempDir
    Path dir;

    @Test
    void unprunedExportRunsLikePyTorch() throws Exception {
        Path file = dir.resolve("unet.onnx");
        try (Graph g = Fixture.read(); NDManager m = NDManager.newBaseManager()) {
            onnx().write(g, file);
            NDList in = Fixture.inputs(m);
            NDArray ort = run(file, in.get(0), in.get(1), m);
            assertThat(Fixture.maxAbsDiff(ort, Fixture.expected(m))).isLessThan(1e-4f);
        }
    }

    @Test
    void prunedExportRunsInOnnxRuntimeLikeDjl() throws Exception {
        Path file = dir.resolve("pruned.onnx");
        try (Graph g = Fixture.read(); NDManager m = NDManager.newBaseManager()) {
            Pruning.pruneL2Local30(g);
            onnx().write(g, file);
            NDList in = Fixture.inputs(m);
            NDArray djl = new GraphExecutor(g).forward(in).head();
            NDArray ort = run(file, in.get(0), in.get(1), m);
            assertThat(ort.getShape()).isEqualTo(djl.getShape());
            float diff = Fixture.maxAbsDiff(ort, djl);
            System.out.printf("pruned UNet: ONNX Runtime vs DJL %.3g%n", diff);
            assertThat(diff).isLessThan(1e-4f);
        }
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertThat(model.getGraph().getInputList().stream().map(ValueInfoProto::getName))
                .containsExactly("sample", "timestep");
        assertThat(model.getGraph().getNodeList().stream().map(NodeProto::getDomain)).containsOnly("");
        assertThat(model.getGraph().getNodeList().stream().map(NodeProto::getOpType))
                .contains("Sin", "Cos", "Softmax", "MatMul");
    }

    private static ModelFormat onnx() {
        return Fixture.HOST.formats().get("onnx");
    }

    /** Runs the model on a float sample and float timesteps. */
    private static NDArray run(Path model, NDArray sample, NDArray timestep, NDManager m) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        NDArray t = timestep.toType(DataType.FLOAT32, false);
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(sample.toFloatArray()),
                     sample.getShape().getShape());
             OnnxTensor ts = OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()),
                     t.getShape().getShape());
             OrtSession.Result result = session.run(Map.of("sample", x, "timestep", ts))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer values = out.getFloatBuffer();
            float[] data = new float[values.remaining()];
            values.get(data);
            return m.create(data, new Shape(out.getInfo().getShape()));
        }
    }
}
