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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training through DJL's Trainer: progress lines, and the sparse-training hook's contract. */
class TrainingTest {

    @TempDir
    Path dir;

    @Test
    void hookRunsAfterEveryBackwardWithTheBatchsGradients() throws IOException {
        IdxFiles.writeSyntheticFashionMnist(dir, 40, 10);
        LabeledImages images = FashionMnist.read(dir).train();
        StringWriter progress = new StringWriter();
        List<Float> gradientNorms = new ArrayList<>();
        SparseTraining hook = graph -> gradientNorms.add(graph.parameters().get("conv1.weight")
                .array().getGradient().abs().sum().getFloat());

        try (Graph graph = SmallResNet.fashionMnist()
                .build(PluginHost.classpathOnly().newGraphBuilder("small_resnet", 1))) {
            new Training(images, 16, 0.05f, new PrintWriter(progress))
                    .run(graph, "sparse", 2, Optional.of(hook));
        }

        assertThat(gradientNorms).hasSize(2 * 3).allMatch(norm -> norm > 0);
        assertThat(progress.toString()).contains("sparse", "epoch 1/2", "epoch 2/2", "loss",
                "train accuracy");
    }

    @Test
    void gradientsEditedByTheHookAreTheOnesTheOptimizerApplies() throws IOException {
        IdxFiles.writeSyntheticFashionMnist(dir, 16, 10);
        LabeledImages images = FashionMnist.read(dir).train();
        SparseTraining dropConv1Gradient = graph -> {
            NDArray g = graph.parameters().get("conv1.weight").array().getGradient();
            g.subi(g);
        };

        try (Graph graph = SmallResNet.fashionMnist()
                .build(PluginHost.classpathOnly().newGraphBuilder("small_resnet", 1))) {
            NDArray before = graph.parameters().get("conv1.weight").array().duplicate();
            NDArray fcBefore = graph.parameters().get("fc.weight").array().duplicate();
            new Training(images, 16, 0.05f, new PrintWriter(new StringWriter()))
                    .run(graph, "sparse", 1, Optional.of(dropConv1Gradient));
            NDArray after = graph.parameters().get("conv1.weight").array();
            NDArray fcAfter = graph.parameters().get("fc.weight").array();

            float decay = after.mul(before).sum().getFloat() / before.square().sum().getFloat();
            assertThat(decay).isBetween(0.999f, 1f);
            assertThat(after.sub(before.mul(decay)).abs().max().getFloat()).isLessThan(1e-7f);
            float fcDecay = fcAfter.mul(fcBefore).sum().getFloat()
                    / fcBefore.square().sum().getFloat();
            assertThat(fcAfter.sub(fcBefore.mul(fcDecay)).abs().max().getFloat())
                    .isGreaterThan(1e-5f);
        }
    }
}
