package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.onnx.OnnxNode;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pure helpers of the reader: names, shape arithmetic, padding, opaque shapes. */
class ImportHelpersTest {

    @Test
    void nodeNamesComeFromModulesThenScopesAndStayUnique() {
        assertThat(NodeNames.moduleOf("layer1.0.conv1.weight")).isEqualTo("layer1.0.conv1");
        assertThat(NodeNames.moduleOf("onnx::Conv_193")).isEmpty();
        assertThat(NodeNames.moduleOf("weight")).isEmpty();
        assertThat(NodeNames.scopeOf("/layer1/layer1.0/relu/Relu")).isEqualTo("layer1.0.relu");
        assertThat(NodeNames.scopeOf("/relu1/Relu")).isEqualTo("relu1");
        assertThat(NodeNames.scopeOf("/Add")).isEqualTo("Add");
        NodeNames names = new NodeNames();
        names.reserve("input");
        assertThat(names.allocate("input")).isEqualTo("input_1");
        assertThat(names.allocate("relu")).isEqualTo("relu");
        assertThat(names.allocate("relu")).isEqualTo("relu_1");
        assertThat(names.allocate("")).isEqualTo("node");
    }

    @Test
    void shapeArithmeticFollowsTheOnnxOps() {
        assertThat(Shapes.resolve(new long[] {1, -1}, new Shape(1, 8, 4, 4))).isEqualTo(new Shape(1, 128));
        assertThatThrownBy(() -> Shapes.resolve(new long[] {-1, -1}, new Shape(4)))
                .hasMessageContaining("two -1 entries");
        assertThatThrownBy(() -> Shapes.resolve(new long[] {3}, new Shape(4)))
                .hasMessageContaining("cannot reshape (4) to [3]");
        assertThat(Shapes.squeeze(new long[] {1, 3, 1, 2}, null)).containsExactly(3, 2);
        assertThat(Shapes.squeeze(new long[] {1, 3, 1, 2}, new long[] {-2})).containsExactly(1, 3, 2);
        assertThatThrownBy(() -> Shapes.squeeze(new long[] {1, 3}, new long[] {1}))
                .hasMessageContaining("cannot squeeze axis 1");
        assertThat(Shapes.unsqueeze(new long[] {3, 2}, new long[] {0, -1})).containsExactly(1, 3, 2, 1);
    }

    private static OnnxNode view(ai.onnx.proto.OnnxMl.NodeProto n) {
        return OnnxNodes.view(n, a -> {
            throw new AssertionError("no tensor attributes here");
        });
    }

    @Test
    void autoPadGivesTheSpecsPads() {
        OnnxNode upper = view(OnnxModels.node("Conv", "c", List.of(), List.of(),
                OnnxModels.string("auto_pad", "SAME_UPPER")));
        OnnxNode lower = view(OnnxModels.node("Conv", "c", List.of(), List.of(),
                OnnxModels.string("auto_pad", "SAME_LOWER")));
        Shape x = new Shape(1, 3, 8, 8);
        long[] k = {2, 2};
        long[] s = {1, 1};
        long[] d = {1, 1};
        assertThat(Padding.of(upper, x, k, s, d)).containsExactly(0, 0, 1, 1);
        assertThat(Padding.of(lower, x, k, s, d)).containsExactly(1, 1, 0, 0);
        OnnxNode explicit = view(OnnxModels.node("Conv", "c", List.of(), List.of(),
                OnnxModels.ints("pads", 1, 2, 1, 2)));
        assertThat(Padding.of(explicit, x, k, s, d)).containsExactly(1, 2, 1, 2);
        assertThat(Padding.of(explicit, new Shape(1, 3, 8), k, s, d)).isNull();
    }

    @Test
    void transposedAutoPadSplitsAnEvenTotalAndSymmetricPadsHalve() {
        OnnxNode same = view(OnnxModels.node("ConvTranspose", "t", List.of(), List.of(),
                OnnxModels.string("auto_pad", "SAME_LOWER")));
        Shape x = new Shape(1, 2, 5);
        long[] one = {1};
        // total padding = 2 * (5 - 1) + output_padding + (k - 1) + 1 - 5 * 2
        assertThat(Padding.transposed(same, x, new long[] {4}, new long[] {2}, one, new long[] {0}))
                .containsExactly(1, 1);
        assertThat(Padding.transposed(same, x, new long[] {3}, new long[] {2}, one, new long[] {0})).isNull();
        assertThat(Padding.transposed(same, x, new long[] {1}, new long[] {2}, one, new long[] {0})).isNull();
        OnnxNode valid = view(OnnxModels.node("ConvTranspose", "t", List.of(), List.of(),
                OnnxModels.string("auto_pad", "VALID"), OnnxModels.ints("pads", 1, 1)));
        assertThat(Padding.transposed(valid, x, new long[] {3}, one, one, new long[] {0})).containsExactly(0, 0);
        OnnxNode explicit = view(OnnxModels.node("ConvTranspose", "t", List.of(), List.of(),
                OnnxModels.ints("pads", 1, 2, 1, 2)));
        assertThat(Padding.transposed(explicit, new Shape(1, 2, 5, 5), new long[] {3, 3}, new long[] {1, 1},
                new long[] {1, 1}, new long[] {0, 0})).containsExactly(1, 2, 1, 2);
        assertThat(Padding.transposed(explicit, x, new long[] {3}, one, one, new long[] {0})).isNull();

        assertThat(Padding.symmetric(new long[] {1, 2, 1, 2})).containsExactly(1, 2);
        assertThat(Padding.symmetric(new long[] {0, 1})).isNull();
        assertThat(Padding.symmetric(new long[] {-1, -1})).isNull();
        assertThat(Padding.symmetric(null)).isNull();
    }

    @Test
    void opaqueShapesRoundTripThroughAttributes() {
        List<Shape> shapes = List.of(new Shape(1, 8, 4, 4), new Shape(), new Shape(2));
        Attributes a = OpaqueShapes.encode(Attributes.of(), shapes);
        assertThat(OpaqueShapes.decode(a)).isEqualTo(shapes);
        assertThatThrownBy(() -> OpaqueShapes.decode(Attributes.of()
                .with("output_ranks", new long[] {3}).with("output_dims", new long[] {1, 2})))
                .isInstanceOf(GraphException.class).hasMessageContaining("do not match");
    }
}
