package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights read from an ONNX file belong to the engine, not to the read-only mapping of the file:
 * updating them in place (as training after an import or FLAP's bias compensation does) works,
 * and neither the file nor a second read of it sees the update. A tensor made straight from the
 * mapping crashed the JVM on the first in-place write.
 */
class OnnxWeightsOwnedTest {

    @TempDir
    Path dir;

    @Test
    void inlineWeightsUpdateInPlaceAndTheFileKeepsItsBytes() throws Exception {
        Path file = Files.copy(OnnxFixtures.onnx("tiny_resnet"), dir.resolve("tiny_resnet.onnx"));
        byte[] before = Files.readAllBytes(file);
        assertUpdatesInPlace(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void externalWeightsUpdateInPlaceAndTheFileKeepsItsBytes() throws Exception {
        byte[] weights = new byte[1728];
        OnnxMalformedFileTest.tinyResNet().getGraph().getInitializer(0).getRawData().copyTo(weights, 0);
        Files.write(dir.resolve("weights.bin"), weights);
        Path file = OnnxModels.save(OnnxMalformedFileTest.withExternalConv1("weights.bin", 0),
                dir.resolve("ext.onnx"));
        assertUpdatesInPlace(file);
        assertThat(Files.readAllBytes(dir.resolve("weights.bin"))).isEqualTo(weights);
    }

    private static void assertUpdatesInPlace(Path file) {
        try (Graph g = OnnxFixtures.read(file); Graph again = OnnxFixtures.read(file)) {
            NDArray w = g.node("conv1").parameter("weight").array();
            float[] original = w.toFloatArray();
            w.addi(w.onesLike());
            w.set(new NDIndex(0), 7f);
            float[] updated = w.toFloatArray();
            int perChannel = original.length / Math.toIntExact(w.getShape().get(0));
            for (int i = 0; i < original.length; i++) {
                assertThat(updated[i]).isEqualTo(i < perChannel ? 7f : original[i] + 1f);
            }
            assertThat(again.node("conv1").parameter("weight").array().toFloatArray())
                    .containsExactly(original);
        }
    }
}
