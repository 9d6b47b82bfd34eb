package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.onnx.OnnxOpCodec;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.Resources;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes.Name;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.Extension;

/**
 * A user's custom-domain ONNX op: a plugin jar, compiled and packaged here, contributes the op type
 * {@code example.scale} and the {@link OnnxOpCodec} that reads and writes it as
 * {@code com.example::Scale}. The ONNX format of the host finds the codec in that jar, imports the
 * node, and writes the pruned graph back as the custom-domain node with its opset import.
 */
class OnnxCodecPluginJarTest {

    private static final String[] CLASSES = {"ScaleOp", "ScaleCodec"};

    @TempDir
    static Path work;

    private static Path plugins;

    @BeforeAll
    static void buildPluginJar() throws IOException {
        Path src = Files.createDirectories(work.resolve("src/com/example/scale"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = Stream.of("-proc:none", "-classpath", Stream.of(OnnxOpCodec.class, NDList.class,
                Extension.class).map(OnnxCodecPluginJarTest::location).collect(Collectors.joining(File.pathSeparator)),
                "-d", classes.toString()).collect(Collectors.toList());
        for (String c : CLASSES) {
            Path file = src.resolve(c + ".java");
            Files.copy(Resources.path("codec/" + c + ".java.txt"), file);
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(new String[0]))).as("javac exit code").isZero();
        plugins = Files.createDirectories(work.resolve("plugins"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Plugin-Id", "example-scale");
        manifest.getMainAttributes().putValue("Plugin-Version", "1.0.0");
        manifest.getMainAttributes().putValue("Plugin-Provider", "a Bonsai user");
        try (OutputStream out = Files.newOutputStream(plugins.resolve("example-scale-1.0.0.jar"));
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            StringBuilder index = new StringBuilder();
            for (String c : CLASSES) {
                String cls = "com/example/scale/" + c + ".class";
                jar.putNextEntry(new JarEntry(cls));
                jar.write(Files.readAllBytes(classes.resolve(cls)));
                index.append("com.example.scale.").append(c).append('\n');
            }
            jar.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            jar.write(index.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * conv1 (3 to 8 channels), then the per-channel scale as {@code com.example::Scale} or as the
     * standard {@code Mul} by a {@code [8, 1, 1]} constant, then ReLU and conv2 (8 to 4 channels).
     */
    private static ModelProto model(boolean custom) {
        TensorProto scale = weight("scale.scale", 7, 8);
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 6, 6))
                .addInitializer(weight("conv1.weight", 1, 8, 3, 3, 3))
                .addInitializer(weight("conv2.weight", 2, 4, 8, 3, 3))
                .addNode(node("Conv", "/conv1/Conv", List.of("input", "conv1.weight"), List.of("c1"),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "/relu/Relu", List.of("s"), List.of("r")))
                .addNode(node("Conv", "/conv2/Conv", List.of("r", "conv2.weight"), List.of("output"),
                        ints("pads", 1, 1, 1, 1)))
                .addValueInfo(value("s", 1, 8, 6, 6))
                .addOutput(value("output", 1, 4, 6, 6));
        if (custom) {
            g.addInitializer(scale).addNode(1, node("Scale", "/scale/Scale", List.of("c1", "scale.scale"),
                    List.of("s"), integer("axis", 1)).toBuilder().setDomain("com.example").build());
        } else {
            g.addInitializer(scale.toBuilder().clearDims().addAllDims(List.of(8L, 1L, 1L)))
                    .addNode(1, node("Mul", "/scale/Mul", List.of("c1", "scale.scale"), List.of("s")));
        }
        ModelProto m = OnnxModels.model(g, 17);
        return custom ? m.toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder()
                .setDomain("com.example").setVersion(1)).build() : m;
    }

    private static float[] djl(Graph g, NDArray x) {
        return new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
    }

    @Test
    void aCodecFromAPluginJarImportsPrunesAndWritesACustomDomainNode() throws Exception {
        Path custom = OnnxModels.save(model(true), work.resolve("custom.onnx"));
        Path standard = OnnxModels.save(model(false), work.resolve("standard.onnx"));
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build();
                NDManager m = NDManager.newBaseManager()) {
            ModelFormat onnx = host.formats().get("onnx");
            NDArray x = m.randomNormal(new Shape(1, 3, 6, 6));
            try (Graph g = onnx.read(custom, host.newGraphBuilder("custom", 0));
                    Graph masked = onnx.read(custom, host.newGraphBuilder("masked", 0))) {
                assertThat(g.node("scale").op().name()).isEqualTo("example.scale");
                assertThat(g.node("scale").op().getClass().getClassLoader())
                        .isNotSameAs(OnnxOpCodec.class.getClassLoader());
                assertThat(g.metadata().get(OnnxMetadata.OPAQUE_NODES)).isEmpty();
                assertThat(Ort.maxAbsDiff(Ort.run(standard, "input", x), djl(g, x))).isLessThan(1e-5f);

                IndexSet idxs = IndexSet.of(1, 6);
                var group = DependencyGraph.build(g).getPruningGroup(g.node("conv1"), PruningHandle.PRUNE_OUT, idxs);
                assertThat(group.members().stream().map(mb -> mb.node().name()).collect(Collectors.toList()))
                        .containsExactly("conv1", "scale", "relu", "conv2");
                group.prune();
                DependencyGraph.build(masked).getPruningGroup(masked.node("conv1"), PruningHandle.PRUNE_OUT, idxs)
                        .mask();
                assertThat(g.parameters().get("scale.scale").shape()).isEqualTo(new Shape(6));
                float[] pruned = djl(g, x);
                assertThat(Ort.maxAbsDiff(djl(masked, x), pruned)).isLessThan(1e-5f);

                Path written = work.resolve("custom.pruned.onnx");
                onnx.write(g, written);
                ModelProto out = ModelProto.parseFrom(Files.readAllBytes(written));
                NodeProto scaleNode = out.getGraph().getNodeList().stream()
                        .filter(n -> n.getOpType().equals("Scale")).findFirst().orElseThrow();
                assertThat(scaleNode.getDomain()).isEqualTo("com.example");
                assertThat(scaleNode.getName()).isEqualTo("/scale/Scale");
                assertThat(scaleNode.getAttribute(0).getName()).isEqualTo("axis");
                assertThat(scaleNode.getAttribute(0).getI()).isEqualTo(1);
                assertThat(out.getOpsetImportList()).contains(OperatorSetIdProto.newBuilder()
                        .setDomain("com.example").setVersion(1).build());
                assertThat(out.getGraph().getInitializerList().stream()
                        .filter(t -> t.getName().equals(scaleNode.getInput(1))).findFirst().orElseThrow()
                        .getDimsList()).containsExactly(6L);

                try (Graph again = onnx.read(written, host.newGraphBuilder("again", 0))) {
                    assertThat(again.node("scale").op().name()).isEqualTo("example.scale");
                    assertThat(Ort.maxAbsDiff(pruned, djl(again, x))).isLessThan(1e-6f);
                }
            }
        }
    }

    @Test
    void withoutThePluginTheNodeStaysOpaqueAndIsWrittenBackWithItsDomain() throws Exception {
        Path custom = OnnxModels.save(model(true), work.resolve("opaque.onnx"));
        OnnxFormat onnx = new OnnxFormat();
        try (Graph g = onnx.read(custom, PluginHost.classpathOnly().newGraphBuilder("opaque", 0))) {
            assertThat(g.metadata().get(OnnxMetadata.OPAQUE_NODES)).isEqualTo("scale\tScale");
            Path written = work.resolve("opaque.copy.onnx");
            onnx.write(g, written);
            ModelProto out = ModelProto.parseFrom(Files.readAllBytes(written));
            assertThat(out.getOpsetImportList()).contains(OperatorSetIdProto.newBuilder()
                    .setDomain("com.example").setVersion(1).build());
            assertThat(out.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Scale"))
                    .map(NodeProto::getDomain)).containsExactly("com.example");
        }
    }

    @Test
    void anOpTypeNoCodecWritesFailsNamingTheNode() {
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build()) {
            var b = host.newGraphBuilder("g", 0);
            var x = b.input("input", new Shape(1, 8, 4, 4));
            b.output(b.op("example.scale", "scale", ai.bonsai.api.graph.Attributes.of(), x));
            try (Graph g = b.build()) {
                assertThatThrownBy(() -> new OnnxFormat().write(g, work.resolve("nocodec.onnx")))
                        .isInstanceOf(ModelFormatException.class)
                        .hasMessageContaining("node 'scale': op type 'example.scale' cannot be written to ONNX");
                host.formats().get("onnx").write(g, work.resolve("codec.onnx"));
                assertThat(work.resolve("codec.onnx")).exists();
            }
        }
    }
}
