package ai.bonsai.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.TinyResNet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleFormatTest {

    private static final BundleFormat FORMAT = new BundleFormat();

    private static GraphBuilder builder() {
        return PluginHost.classpathOnly().newGraphBuilder("reloaded", 99);
    }

    private static Map<String, Shape> shapes(Graph g) {
        Map<String, Shape> s = new LinkedHashMap<>();
        g.parameters().forEach((name, p) -> s.put(name, p.shape()));
        return s;
    }

    private static NDArray forward(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head();
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void isRegisteredUnderItsNameAndClaimsBonsaiFiles() {
        ModelFormat f = PluginHost.classpathOnly().formats().get("bonsai");
        assertThat(f).isInstanceOf(BundleFormat.class);
        assertThat(f.supports(Path.of("out", "model.bonsai"))).isTrue();
        assertThat(f.supports(Path.of("model.safetensors"))).isFalse();
    }

    @Test
    void prunedTinyResNetRoundTripsWithItsShapesAttributesAndOutput(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tiny.bonsai");
        try (Graph g = TinyResNet.build(); NDManager m = NDManager.newBaseManager()) {
            new MetaPruner().start(g, PruningConfig.builder().setImportance(new MagnitudeImportance())
                    .optIgnoredLayers(List.of("fc")).optRatio(0.5).build()).step();
            assertThat(g.node("dw").attributes().getLong("groups")).isEqualTo(8);
            FORMAT.write(g, file);
            assertThat(listing(dir)).containsExactly("tiny.bonsai");
            try (ZipFile zip = new ZipFile(file.toFile())) {
                assertThat(zip.stream().map(ZipEntry::getName))
                        .containsExactly(BundleFormat.GRAPH_ENTRY, BundleFormat.WEIGHTS_ENTRY);
            }
            try (Graph back = FORMAT.read(file, builder())) {
                assertThat(shapes(back)).containsExactlyEntriesOf(shapes(g));
                assertThat(back.nodes().stream().map(n -> n.name() + ":" + n.op().name()))
                        .containsExactlyElementsOf(g.nodes().stream().map(n -> n.name() + ":" + n.op().name())
                                .collect(Collectors.toList()));
                g.nodes().forEach(n -> assertThat(back.node(n.name()).attributes()).as(n.name())
                        .isEqualTo(n.attributes()));
                for (Map.Entry<String, Parameter> e : g.parameters().entrySet()) {
                    assertThat(back.parameters().get(e.getKey()).array().contentEquals(e.getValue().array()))
                            .as(e.getKey()).isTrue();
                }
                NDArray x = m.randomNormal(new Shape(1, 3, 32, 32));
                NDArray expected = forward(g, x);
                NDArray actual = forward(back, x);
                assertThat(actual.getShape()).isEqualTo(new Shape(1, 10));
                assertThat(actual.contentEquals(expected)).isTrue();
            }
        }
    }

    @Test
    void everyAttributeTypeRoundTrips(@TempDir Path dir) {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("attrs", 1);
        Value x = b.input("x", new Shape(2, 5));
        Attributes a = Attributes.of().with("p", 0.25).with("note", "keep").with("flag", true)
                .with("sizes", new long[] {3, -1}).with("count", 7L);
        b.output(b.op("dropout", "drop", a, b.linear("fc", x, 4)));
        b.metadata("source", "attrs.onnx");
        Path file = dir.resolve("attrs.bonsai");
        try (Graph g = b.build()) {
            FORMAT.write(g, file);
            try (Graph back = FORMAT.read(file, builder())) {
                Attributes read = back.node("drop").attributes();
                assertThat(read).isEqualTo(a);
                assertThat(read.getLong("count")).isEqualTo(7L);
                assertThat(read.getDouble("p")).isEqualTo(0.25);
                assertThat(read.getBoolean("flag")).isTrue();
                assertThat(read.getString("note")).isEqualTo("keep");
                assertThat(read.getLongs("sizes")).containsExactly(3, -1);
                assertThat(back.inputs().get(0).shape()).isEqualTo(new Shape(2, 5));
                assertThat(back.metadata()).containsExactly(Map.entry("source", "attrs.onnx"));
            }
        }
    }

    @Test
    void bundleWithoutGraphJsonNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("empty.bonsai");
        writeZip(file, Map.of("readme.txt", "hello"));
        assertThatThrownBy(() -> FORMAT.read(file, builder()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("Bonsai bundle '" + file + "' has no entry 'graph.json'");
    }

    @Test
    void unknownOpTypeNamesTheFileAndTheNode(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("unknown.bonsai");
        writeZip(file, Map.of(BundleFormat.GRAPH_ENTRY, graphJson(
                "{\"name\": \"warp\", \"op\": \"warp_drive\", \"attributes\": {}, \"inputs\": [\"x\"], \"outputs\": [\"warp\"]}",
                "warp")));
        assertThatThrownBy(() -> FORMAT.read(file, builder()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("Bonsai bundle '" + file + "': node 'warp': unknown op type 'warp_drive'");
    }

    @Test
    void missingFieldAndBadAttributeTypeNameTheNodeAndField(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.bonsai");
        writeZip(missing, Map.of(BundleFormat.GRAPH_ENTRY, graphJson(
                "{\"name\": \"r\", \"attributes\": {}, \"inputs\": [\"x\"], \"outputs\": [\"r\"]}", "r")));
        assertThatThrownBy(() -> FORMAT.read(missing, builder()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("Bonsai bundle '" + missing + "': node 'r': missing field 'op'");
        Path badType = dir.resolve("bad-type.bonsai");
        writeZip(badType, Map.of(BundleFormat.GRAPH_ENTRY, graphJson(
                "{\"name\": \"d\", \"op\": \"dropout\", \"attributes\": {\"p\": {\"type\": \"float\", \"value\": 0.5}},"
                        + " \"inputs\": [\"x\"], \"outputs\": [\"d\"]}", "d")));
        assertThatThrownBy(() -> FORMAT.read(badType, builder()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("Bonsai bundle '" + badType + "': node 'd' attribute 'p': unknown attribute type"
                        + " 'float' (expected long, double, boolean, string or longs)");
    }

    @Test
    void truncatedBundleNamesTheFile(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.bonsai");
        try (Graph g = TinyResNet.build()) {
            FORMAT.write(g, good);
        }
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.bonsai");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> FORMAT.read(truncated, builder()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated.bonsai");
    }

    @Test
    void failedWritesLeaveNoFile(@TempDir Path dir) throws IOException {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        Path occupied = dir.resolve("occupied.bonsai");
        Files.createDirectory(occupied);
        Files.writeString(occupied.resolve("keep"), "x");
        try (Graph g = TinyResNet.build()) {
            Path underFile = notADir.resolve("model.bonsai");
            assertThatThrownBy(() -> FORMAT.write(g, underFile))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageStartingWith("cannot write Bonsai bundle '" + underFile + "'");
            assertThatThrownBy(() -> FORMAT.write(g, occupied))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageStartingWith("cannot write Bonsai bundle '" + occupied + "'");
        }
        assertThat(listing(dir)).containsExactly("occupied.bonsai", "plain-file");
        assertThat(listing(occupied)).containsExactly("keep");
        assertThat(Files.readString(notADir)).isEqualTo("x");
    }

    private static String graphJson(String node, String output) {
        return "{\"format\": \"bonsai-bundle\", \"version\": 1, \"name\": \"t\","
                + " \"inputs\": [{\"name\": \"x\", \"shape\": [1, 4]}], \"nodes\": [" + node + "],"
                + " \"outputs\": [\"" + output + "\"]}";
    }

    private static void writeZip(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }
}
