package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.testing.Fixtures;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exported fixtures run in ONNX Runtime: unpruned, to the original model's output; pruned, to
 * Bonsai's own DJL execution of the pruned graph, in a file smaller by at least the parameters
 * removed.
 */
class OnnxExportTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"tiny_resnet", "tiny_mlp"})
    void roundTripKeepsOutputsNamesOpsetAndAddsProvenance(String fixture) throws Exception {
        Path source = OnnxFixtures.onnx(fixture);
        Path copy = dir.resolve(fixture + ".onnx");
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            new OnnxFormat().write(g, copy);
            float[] expected = Ort.run(source, "input", Fixtures.input(fixture, m));
            float[] actual = Ort.run(copy, "input", Fixtures.input(fixture, m));
            assertThat(Ort.maxAbsDiff(expected, actual)).isLessThan(1e-5f);
        }
        ModelProto original = ModelProto.parseFrom(Files.readAllBytes(source));
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(copy));
        assertThat(written.getOpsetImport(0).getVersion()).isEqualTo(13);
        assertThat(written.getIrVersion()).isEqualTo(original.getIrVersion());
        assertThat(names(written)).containsAll(names(original).stream()
                .filter(n -> !n.contains("Constant")).collect(Collectors.toList()));
        assertThat(written.getGraph().getOutput(0).getName()).isEqualTo("output");
        StringStringEntryProto provenance = written.getMetadataPropsList().stream()
                .filter(e -> e.getKey().equals("bonsai.provenance")).findFirst().orElseThrow();
        assertThat(provenance.getValue()).contains("\"source_file\": \"" + fixture + ".onnx\"")
                .containsPattern("\"source_sha256\": \"[0-9a-f]{64}\"")
                .contains("\"bonsai_version\": ");
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rw-r--r--");
    }

    @ParameterizedTest
    @CsvSource({"tiny_resnet, fc", "tiny_mlp, out"})
    void prunedExportRunsInOnnxRuntimeLikeDjlAndIsSmaller(String fixture, String classifier)
            throws Exception {
        Path source = OnnxFixtures.onnx(fixture);
        Path pruned = dir.resolve(fixture + ".pruned.onnx");
        try (Graph g = OnnxFixtures.read(source); NDManager m = NDManager.newBaseManager()) {
            long before = OpCounter.count(g).params();
            OnnxParityTest.prune(g, classifier);
            long removed = before - OpCounter.count(g).params();
            new OnnxFormat().write(g, pruned, Map.of("ratio", "0.5", "importance", "magnitude, p=2"));

            float[] djl = new GraphExecutor(g).forward(new NDList(Fixtures.input(fixture, m)))
                    .head().toFloatArray();
            float[] ort = Ort.run(pruned, "input", Fixtures.input(fixture, m));
            assertThat(Ort.maxAbsDiff(djl, ort)).isLessThan(1e-4f);
            assertThat(Files.size(source) - Files.size(pruned)).isGreaterThanOrEqualTo(removed * 4);
        }
        String provenance = ModelProto.parseFrom(Files.readAllBytes(pruned)).getMetadataPropsList()
                .stream().filter(e -> e.getKey().equals("bonsai.provenance")).findFirst().orElseThrow()
                .getValue();
        assertThat(provenance).contains("\"pruning\": {").contains("\"ratio\": \"0.5\"")
                .contains("\"importance\": \"magnitude, p=2\"");
    }

    @Test
    void aSymbolicBatchDimensionIsReadAsOneAndWrittenBackSymbolic() throws Exception {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(OnnxFixtures.onnx("tiny_resnet")));
        var g = m.getGraph().toBuilder();
        var in = g.getInput(0).toBuilder();
        in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0)
                .clearDimValue().setDimParam("batch");
        g.setInput(0, in);
        Path dynamic = OnnxModels.save(m.toBuilder().setGraph(g).build(), dir.resolve("dynamic.onnx"));
        Path copy = dir.resolve("copy.onnx");
        try (Graph graph = OnnxFixtures.read(dynamic); NDManager nd = NDManager.newBaseManager()) {
            assertThat(graph.inputs().get(0).shape().get(0)).isEqualTo(1);
            OnnxParityTest.prune(graph, "fc");
            new OnnxFormat().write(graph, copy);
            NDArray one = Fixtures.input("tiny_resnet", nd);
            NDArray two = NDArrays.concat(new NDList(one, one.mul(-1)));
            float[] single = Ort.run(copy, "input", one);
            float[] batch = Ort.run(copy, "input", two);
            assertThat(batch).hasSize(20);
            assertThat(Ort.maxAbsDiff(single, java.util.Arrays.copyOf(batch, 10))).isLessThan(1e-6f);
        }
        var written = ModelProto.parseFrom(Files.readAllBytes(copy)).getGraph();
        assertThat(written.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam())
                .isEqualTo("batch");
        assertThat(written.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam())
                .isEqualTo("batch");
    }

    private static List<String> names(ModelProto m) {
        return m.getGraph().getNodeList().stream().map(NodeProto::getName).collect(Collectors.toList());
    }
}
