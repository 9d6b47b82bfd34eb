package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 50 % local L2 magnitude pruning, classifier ignored, one step: parameters, MACs and every
 * parameter shape equal Torch-Pruning's figures for the same torchvision architecture.
 *
 * <p>MobileNetV2: torchvision applies its final global average pool as a function call, which
 * Torch-Pruning's module-hook counter does not see; Bonsai counts the pool node (its input
 * elements), so its figures are the reference plus 1280·7·7 before and 640·7·7 after.
 */
class PruningParityTest {

    @ParameterizedTest
    @CsvSource({
        "resnet18, fc, 0, 0",
        "resnet50, fc, 0, 0",
        "vgg16_bn, classifier.6, 0, 0",
        "mobilenet_v2, classifier.1, 62720, 31360"})
    void matchesTorchPruning(String model, String classifier, long poolBefore, long poolAfter) {
        Reference ref = Reference.load(model);
        try (DefaultGraph g = TestGraphs.build(model)) {
            ModelCost before = OpCounter.count(g);
            assertThat(before.params()).isEqualTo(ref.params());
            assertThat(before.macs()).isEqualTo(ref.macs() + poolBefore);

            new MetaPruner().start(g, PruningConfig.builder()
                    .setImportance(new MagnitudeImportance())
                    .optRatio(0.5)
                    .optIgnoredLayers(List.of(classifier))
                    .build()).step();

            ModelCost after = OpCounter.count(g);
            assertThat(after.params()).isEqualTo(ref.paramsAfter());
            assertThat(after.macs()).isEqualTo(ref.macsAfter() + poolAfter);
            assertThat(TestGraphs.parameterShapes(g)).isEqualTo(ref.shapesAfter());
            assertThat(TestGraphs.dims(g.outputs().get(0).shape())).isEqualTo(ref.outputShape());
        }
    }
}
