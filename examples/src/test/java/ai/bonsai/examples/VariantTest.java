package ai.bonsai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default variants, and what their sparse-training hooks add to the batch's gradients. */
class VariantTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreMagnitudeThenTheTwoSparseVariants() {
        List<Variant> variants = Variant.defaults();

        assertThat(variants).extracting(Variant::name)
                .containsExactly("magnitude (L2)", "bnscale (sparse)", "group-norm (sparse)");
        assertThat(variants).extracting(v -> v.config().importance().name())
                .containsExactly("magnitude", "bnscale", "magnitude");
        assertThat(variants).extracting(v -> v.sparseTraining().isPresent())
                .containsExactly(false, true, true);
        assertThat(variants).allSatisfy(v -> {
            assertThat(v.config().isIgnored("fc")).isTrue();
            assertThat(v.config().budget()).isEmpty();
        });
        assertThat(variants.get(1).description()).contains("BnScaleRegularizer", "reg 0.01");
        assertThat(variants.get(2).description()).contains("GroupNormRegularizer", "reg 0.005");
    }

    @Test
    void bnScaleHookAddsRegTimesTheSignOfEveryBatchNormScale() throws IOException {
        List<Float> errors = new ArrayList<>();
        List<Float> convChanges = new ArrayList<>();
        runHook(Variant.bnScale(), (before, graph) -> {
            NDArray gamma = graph.parameters().get("layer2.0.bn1.weight").array();
            NDArray added = gamma.getGradient().sub(before.get(0));
            errors.add(added.sub(gamma.sign().mul(Variant.BN_SCALE_REG)).abs().max().getFloat());
            convChanges.add(graph.parameters().get("layer2.0.conv1.weight").array().getGradient()
                    .sub(before.get(1)).abs().max().getFloat());
        });

        assertThat(errors).hasSize(2).allMatch(e -> e < 1e-7f);
        assertThat(convChanges).allMatch(c -> c == 0f);
    }

    @Test
    void groupNormHookAddsAScaledWeightTermToConvolutionsAndBatchNorms() throws IOException {
        List<float[]> ratios = new ArrayList<>();
        runHook(Variant.groupNorm(), (before, graph) -> {
            NDArray conv = graph.parameters().get("layer2.0.conv1.weight").array();
            NDArray gamma = graph.parameters().get("layer2.0.bn1.weight").array();
            // a batch norm's scale gets one term, in [reg, 16 reg]; conv1's weight two: its
            // rows from its own group, its columns from the group of its input channels
            NDArray convRatio = conv.getGradient().sub(before.get(1)).div(conv);
            NDArray bnRatio = gamma.getGradient().sub(before.get(0)).div(gamma);
            ratios.add(new float[] {convRatio.min().getFloat(), convRatio.max().getFloat(),
                bnRatio.min().getFloat(), bnRatio.max().getFloat()});
        });

        double reg = Variant.GROUP_NORM_REG;
        assertThat(ratios).hasSize(2).allSatisfy(r -> {
            assertThat((double) r[0]).isBetween(2 * reg * 0.999, 2 * reg * 1.001);
            assertThat((double) r[1]).isBetween(32 * reg * 0.999, 32 * reg * 1.001);
            assertThat((double) r[2]).isBetween(reg * 0.999, reg * 1.001);
            assertThat((double) r[3]).isBetween(16 * reg * 0.999, 16 * reg * 1.001);
        });
    }

    /**
     * Trains one epoch of two batches with the variant's hook wrapped: the check sees the
     * gradients of bn1 and conv1 of layer2.0 before the hook and the graph after it.
     */
    private void runHook(Variant variant, BiConsumer<List<NDArray>, Graph> check)
            throws IOException {
        IdxFiles.writeSyntheticFashionMnist(dir, 32, 8);
        LabeledImages images = FashionMnist.read(dir).train();
        SparseTraining sparse = variant.sparseTraining().orElseThrow();
        SparseTraining wrapped = graph -> {
            List<NDArray> before = List.of(
                    graph.parameters().get("layer2.0.bn1.weight").array().getGradient().duplicate(),
                    graph.parameters().get("layer2.0.conv1.weight").array().getGradient()
                            .duplicate());
            sparse.afterBackward(graph);
            check.accept(before, graph);
            before.forEach(NDArray::close);
        };
        try (Graph graph = SmallResNet.fashionMnist()
                .build(PluginHost.classpathOnly().newGraphBuilder("small_resnet", 1))) {
            new Training(images, 16, 0.05f, new PrintWriter(new StringWriter()))
                    .run(graph, "sparse", 1, Optional.of(wrapped));
        }
    }
}
