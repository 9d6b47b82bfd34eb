package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxImportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpCodec;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.bonsai.api.plugin.PluginException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the format chooses among plugged and built-in codecs. */
class CodecsTest {

    /** A codec that claims operators and op types and does nothing else. */
    private record Claiming(Set<OnnxOpId> imports, Set<String> exports) implements OnnxOpCodec {
        @Override
        public Optional<List<Value>> importNode(OnnxNode node, OnnxImportContext context) {
            return Optional.empty();
        }

        @Override
        public void exportNode(Node node, OnnxExportContext context) {
            throw new AssertionError("not written in this test");
        }
    }

    /** A second codec class, so that a clash names two classes. */
    private record AlsoClaiming(Set<OnnxOpId> imports, Set<String> exports) implements OnnxOpCodec {
        @Override
        public Optional<List<Value>> importNode(OnnxNode node, OnnxImportContext context) {
            return Optional.empty();
        }

        @Override
        public void exportNode(Node node, OnnxExportContext context) {
            throw new AssertionError("not written in this test");
        }
    }

    @Test
    void aPluggedCodecIsAskedBeforeTheBuiltInOneForTheSameOpOrOpType() {
        OnnxOpCodec relu = new Claiming(Set.of(new OnnxOpId("ai.onnx", "Relu")), Set.of("relu"));
        Codecs codecs = Codecs.of(List.of(relu));
        assertThat(codecs.plugged(OnnxOpId.of("Relu"))).containsSame(relu);
        assertThat(codecs.builtIn(OnnxOpId.of("Relu"))).get().isInstanceOf(ActivationCodec.class);
        assertThat(codecs.exporter("relu")).containsSame(relu);
        assertThat(codecs.exporter("sigmoid")).get().isInstanceOf(ActivationCodec.class);
        assertThat(Codecs.builtIn().exporter("example.scale")).isEmpty();
    }

    @Test
    void twoPluggedCodecsClaimingOneOperatorOrOpTypeAreNamed() {
        OnnxOpId scale = new OnnxOpId("com.example", "Scale");
        assertThatThrownBy(() -> Codecs.of(List.of(new Claiming(Set.of(scale), Set.of()),
                new AlsoClaiming(Set.of(scale), Set.of()))))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("CodecsTest$Claiming and ai.bonsai.onnx.CodecsTest$AlsoClaiming both claim "
                        + "ONNX operator 'com.example::Scale'");
        assertThatThrownBy(() -> Codecs.of(List.of(new Claiming(Set.of(), Set.of("example.scale")),
                new AlsoClaiming(Set.of(), Set.of("example.scale")))))
                .hasMessageContaining("both claim op type 'example.scale'");
    }
}
