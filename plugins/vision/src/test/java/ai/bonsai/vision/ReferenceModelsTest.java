package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.graph.DefaultGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each graph has exactly torchvision's state_dict, parameter count and output shape. */
class ReferenceModelsTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50", "vgg16_bn", "mobilenet_v2"})
    void matchesTorchvision(String architecture) {
        Reference ref = Reference.load(architecture);
        try (DefaultGraph g = TestGraphs.build(architecture)) {
            assertThat(TestGraphs.parameterShapes(g))
                    .containsExactlyInAnyOrderEntriesOf(ref.shapes());
            assertThat(TestGraphs.trainableElements(g)).isEqualTo(ref.params());
            assertThat(g.outputs()).hasSize(1);
            assertThat(TestGraphs.dims(g.outputs().get(0).shape())).isEqualTo(ref.outputShape());
        }
    }
}
