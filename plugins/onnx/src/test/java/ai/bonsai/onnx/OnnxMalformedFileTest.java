package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.plugin.PluginHost;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz-style checks: every broken file fails with one {@link BonsaiException} naming the file and
 * what is at fault, and no output file appears.
 */
class OnnxMalformedFileTest {

    @TempDir
    Path dir;

    static ModelProto tinyResNet() throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(OnnxFixtures.onnx("tiny_resnet")));
    }

    private void assertRefused(Path file, String... fragments) {
        assertThatThrownBy(() -> readAndWrite(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContainingAll(fragments);
        assertThat(dir.resolve("out.onnx")).doesNotExist();
    }

    private void readAndWrite(Path file) {
        try (Graph g = OnnxFixtures.read(file)) {
            new OnnxFormat().write(g, dir.resolve("out.onnx"));
        }
    }

    @Test
    void everyTruncationOfAModelIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(OnnxFixtures.onnx("tiny_resnet"));
        Path file = dir.resolve("truncated.onnx");
        for (int length = 0; length < bytes.length; length += 701) {
            Files.write(file, java.util.Arrays.copyOf(bytes, length));
            assertThatThrownBy(() -> readAndWrite(file)).as("truncated to %d bytes", length)
                    .isInstanceOf(BonsaiException.class).hasMessageContaining(file.toString());
        }
        assertThat(dir.resolve("out.onnx")).doesNotExist();
    }

    @Test
    void randomByteFlipsEitherReadOrFailWithABonsaiException() throws Exception {
        byte[] bytes = Files.readAllBytes(OnnxFixtures.onnx("tiny_mlp"));
        SplittableRandom random = new SplittableRandom(7);
        Path file = dir.resolve("flipped.onnx");
        int refused = 0;
        for (int trial = 0; trial < 60; trial++) {
            byte[] copy = bytes.clone();
            for (int k = 0; k < 3; k++) {
                copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
            }
            Files.write(file, copy);
            try (Graph g = OnnxFixtures.read(file)) {
                assertThat(g.outputs()).hasSize(1);
            } catch (BonsaiException e) {
                assertThat(e.getMessage()).contains(file.toString());
                refused++;
            }
        }
        assertThat(refused).isPositive();
    }

    @Test
    void anInitializerOfTheWrongSizeIsNamed() throws Exception {
        ModelProto m = tinyResNet();
        GraphProto.Builder g = m.getGraph().toBuilder();
        TensorProto w = g.getInitializer(0);
        g.setInitializer(0, w.toBuilder().setRawData(w.getRawData().substring(0, 100)));
        Path file = OnnxModels.save(m.toBuilder().setGraph(g).build(), dir.resolve("size.onnx"));
        assertRefused(file, "initializer 'conv1.weight'", "raw_data has 100 bytes",
                "[16, 3, 3, 3] of FLOAT need 1728");
    }

    @Test
    void aCycleIsNamed() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4))
                .addNode(node("Add", "first", List.of("x", "b"), List.of("a")))
                .addNode(node("Relu", "second", List.of("a"), List.of("b")))
                .addOutput(value("b", 1, 4));
        Path file = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("cycle.onnx"));
        assertRefused(file, "node 'first' (Add)", "input 'b' is produced by a later node 'second'",
                "cycle");
    }

    @Test
    void aMissingInputIsNamed() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4))
                .addNode(node("Relu", "act", List.of("nowhere"), List.of("y")))
                .addOutput(value("y", 1, 4));
        Path file = OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("missing.onnx"));
        assertRefused(file, "node 'act' (Relu)", "input 'nowhere' is not a graph input");
    }

    @Test
    void unsupportedVersionsAndMissingFieldsAreNamed() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4))
                .addNode(node("Relu", "act", List.of("x"), List.of("y"))).addOutput(value("y", 1, 4));
        assertRefused(OnnxModels.save(OnnxModels.model(g, 6), dir.resolve("old.onnx")),
                "opset_import of the default domain is 6; opsets 7 to 21 are supported");
        assertRefused(OnnxModels.save(OnnxModels.model(g, 13).toBuilder().setIrVersion(11).build(),
                dir.resolve("ir.onnx")), "ir_version 11 is not supported");
        assertRefused(OnnxModels.save(OnnxModels.model(g, 13).toBuilder().clearGraph().build(),
                dir.resolve("nograph.onnx")), "field 'graph' is missing");
    }

    @Test
    void externalDataOutsideTheModelsFolderIsRefused() throws Exception {
        Path outside = dir.resolve("secret.bin");
        Files.write(outside, new byte[1728]);
        Path models = Files.createDirectory(dir.resolve("models"));
        for (String location : List.of("../secret.bin", outside.toString())) {
            Path file = OnnxModels.save(withExternalConv1(location, 0), models.resolve("ext.onnx"));
            assertRefused(file, "initializer 'conv1.weight'", "external_data location '" + location
                    + "' lies outside the model's folder");
        }
        Files.createSymbolicLink(models.resolve("link.bin"), outside);
        Path linked = OnnxModels.save(withExternalConv1("link.bin", 0), models.resolve("ext.onnx"));
        assertRefused(linked, "links outside the model's folder");
    }

    @Test
    void externalDataInsideTheFolderIsReadAndRangeChecked() throws Exception {
        TensorProto w = tinyResNet().getGraph().getInitializer(0);
        Path models = Files.createDirectory(dir.resolve("models"));
        byte[] padded = new byte[16 + 1728];
        w.getRawData().copyTo(padded, 16);
        Files.write(models.resolve("weights.bin"), padded);
        Path file = OnnxModels.save(withExternalConv1("weights.bin", 16), models.resolve("ext.onnx"));
        try (Graph g = OnnxFixtures.read(file); Graph original = OnnxFixtures.read(OnnxFixtures.onnx("tiny_resnet"))) {
            assertThat(g.node("conv1").parameter("weight").array().toFloatArray())
                    .containsExactly(original.node("conv1").parameter("weight").array().toFloatArray());
        }
        Path beyond = OnnxModels.save(withExternalConv1("weights.bin", 32), models.resolve("far.onnx"));
        assertRefused(beyond, "external_data [32, 1760) lies outside 'weights.bin' (1744 bytes)");
    }

    static ModelProto withExternalConv1(String location, long offset) throws Exception {
        ModelProto m = tinyResNet();
        GraphProto.Builder g = m.getGraph().toBuilder();
        TensorProto w = g.getInitializer(0);
        g.setInitializer(0, w.toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(String.valueOf(offset)))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("1728")));
        return m.toBuilder().setGraph(g).build();
    }

    @Test
    void aFailedWriteLeavesNoFile() throws Exception {
        var b = PluginHost.classpathOnly().newGraphBuilder("g", 0);
        var x = b.input("x", new ai.djl.ndarray.types.Shape(1, 4, 2, 2));
        b.output(b.node("unbind", "parts", ai.bonsai.api.graph.Attributes.of().with("dim", 1), x)
                .toArray(new ai.bonsai.api.graph.Value[0]));
        Path target = dir.resolve("parts.onnx");
        try (Graph g = b.build()) {
            assertThatThrownBy(() -> new OnnxFormat().write(g, target))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(target.toString())
                    .hasMessageContaining("node 'parts': op type 'unbind' cannot be written to ONNX");
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void tensorsOfAnUnsupportedTypeAreNamed() throws Exception {
        ModelProto m = tinyResNet();
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.setInitializer(1, g.getInitializer(1).toBuilder().setDataType(8)
                .setRawData(ByteString.EMPTY));
        Path file = OnnxModels.save(m.toBuilder().setGraph(g).build(), dir.resolve("type.onnx"));
        assertRefused(file, "initializer 'bn1.weight'", "data_type 8 is not supported");
    }
}
