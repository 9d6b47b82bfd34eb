package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.testing.Fixtures;
import ai.bonsai.core.testing.Resources;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Conv+BN-fused export of tiny_resnet (built with Bonsai's writer) imports as convs with bias,
 * runs to PyTorch's output in ONNX Runtime, prunes to the reference's conv shapes, and its pruned
 * export runs in ONNX Runtime like Bonsai's DJL execution.
 */
class OnnxFusedVariantTest {

    @TempDir
    Path dir;

    @Test
    void fusedTinyResNetImportsPrunesAndExports() throws Exception {
        JsonNode ref = Resources.json("reference/tiny_resnet__l2_local50.json");
        Path fused = dir.resolve("tiny_resnet_fused.onnx");
        try (Graph bnKept = OnnxFixtures.read(OnnxFixtures.onnx("tiny_resnet"));
             Graph folded = BatchNormFolding.fold(bnKept)) {
            new OnnxFormat().write(folded, fused);
        }
        try (Graph g = OnnxFixtures.read(fused); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).noneMatch(n -> n.op().name().equals("batch_norm"));
            assertThat(g.node("conv1").attributes().getBoolean("bias")).isTrue();
            assertThat(Fixtures.maxAbsDiffToPyTorch(g, "tiny_resnet")).isLessThan(1e-4f);
            float[] pytorch = ai.bonsai.api.model.Safetensors.read(
                    Resources.path("fixtures/tiny_resnet.output.safetensors"), m).get("output").toFloatArray();
            assertThat(Ort.maxAbsDiff(pytorch, Ort.run(fused, "input", Fixtures.input("tiny_resnet", m))))
                    .isLessThan(1e-4f);

            long before = OpCounter.count(g).params();
            OnnxParityTest.prune(g, "fc");
            ref.get("shapes_after").fields().forEachRemaining(e -> {
                if (e.getKey().endsWith(".weight") && g.parameters().containsKey(e.getKey())) {
                    assertThat(g.parameters().get(e.getKey()).shape().getShape()).as(e.getKey())
                            .containsExactly(Fixtures.longs(e.getValue()));
                }
            });
            Path pruned = dir.resolve("tiny_resnet_fused.pruned.onnx");
            new OnnxFormat().write(g, pruned);
            float[] djl = new GraphExecutor(g).forward(new NDList(Fixtures.input("tiny_resnet", m)))
                    .head().toFloatArray();
            assertThat(Ort.maxAbsDiff(djl, Ort.run(pruned, "input", Fixtures.input("tiny_resnet", m))))
                    .isLessThan(1e-4f);
            long removed = before - OpCounter.count(g).params();
            assertThat(Files.size(fused) - Files.size(pruned)).isGreaterThanOrEqualTo(removed * 4);
        }
    }
}
