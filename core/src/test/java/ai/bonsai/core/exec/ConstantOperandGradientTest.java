package ai.bonsai.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.NativeMemoryChurn;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Kernels whose formula has a constant (a pooling divisor, relu6's bound, hardswish's 3 and 6,
 * hard-sigmoid's slope, prelu's zero, a norm's epsilon, attention's scale) keep correct gradients
 * when the garbage collector runs between the forward and the backward pass.
 *
 * <p>The regression: DJL's number overloads ({@code x.div(n)}) wrap the number in a temporary
 * tensor backed by a Java direct buffer and close it at once, while autograd keeps it for the
 * backward pass; after a collection the backward pass read freed memory (NaN or 1e-19 instead
 * of the divisor), which made fine-tuning a pruned model fail at random.
 */
class ConstantOperandGradientTest {

    @Test
    void convolutionalKernelsWithConstantsKeepTheirGradientsAcrossCollections() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("constants", 11);
        Value x = b.input("input", new Shape(2, 4, 6, 6));
        Value h = b.conv2d("conv", x, 6, 3, 1, 1);
        h = b.unary("hardswish", "hardswish", h);
        h = b.unary("relu6", "relu6", b.conv2d("conv2", h, 6, 3, 1, 1));
        h = b.op("hard_sigmoid", "hard_sigmoid",
                Attributes.of().with("alpha", 0.2).with("beta", 0.5), h);
        h = b.op("prelu", "prelu", Attributes.of().with("num_parameters", 6), h);
        h = b.op("group_norm", "gn", Attributes.of().with("num_groups", 3).with("eps", 1e-5)
                .with("affine", true), h);
        h = b.flatten("flatten", b.adaptiveAvgPool2d("pool", h, 1, 1));
        h = b.op("layer_norm", "ln", Attributes.of().with("normalized_shape", new long[] {6})
                .with("eps", 1e-5).with("elementwise_affine", true), h);
        b.output(b.linear("fc", h, 3));
        assertGradientsSurviveCollection(b.build(), new Shape(2, 4, 6, 6));
    }

    @Test
    void attentionScaleKeepsItsGradientAcrossCollections() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("attention", 12);
        Value x = b.input("input", new Shape(2, 5, 6));
        b.output(b.op("multihead_attention", "attn", Attributes.of().with("embed_dim", 6)
                .with("num_heads", 3).with("bias", true), x));
        assertGradientsSurviveCollection(b.build(), new Shape(2, 5, 6));
    }

    @Test
    void scaledDotProductAttentionKeepsItsGradientAcrossCollections() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("sdpa", 13);
        Value x = b.input("input", new Shape(2, 5, 6));
        Value q = b.linear("q", x, 6);
        Value k = b.linear("k", x, 6);
        Value v = b.linear("v", x, 6);
        b.output(b.linear("out", b.op("attention", "attn", Attributes.of().with("num_heads", 3)
                .with("causal", true).with("scale", 1 / Math.sqrt(2)), q, k, v), 6));
        assertGradientsSurviveCollection(b.build(), new Shape(2, 5, 6));
    }

    private static void assertGradientsSurviveCollection(Graph graph, Shape input) {
        try (graph; NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomNormal(input);
            GraphExecutor exec = new GraphExecutor(graph);
            Function<NDList, NDArray> sum = out -> out.head().sum();
            Map<String, NDArray> quiet = exec.gradients(new NDList(x), sum, true);
            Map<String, NDArray> collected = exec.gradients(new NDList(x), out -> {
                NativeMemoryChurn.churn();
                return out.head().sum();
            }, true);
            assertThat(collected.keySet()).isEqualTo(quiet.keySet());
            quiet.forEach((name, g) -> {
                assertThat(g.isNaN().any().getBoolean()).as("NaN in the gradient of %s", name)
                        .isFalse();
                assertThat(collected.get(name).toFloatArray())
                        .as("gradient of %s after a collection", name)
                        .containsExactly(g.toFloatArray());
            });
        }
    }
}
