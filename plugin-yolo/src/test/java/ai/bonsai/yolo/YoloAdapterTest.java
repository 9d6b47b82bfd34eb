package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The adapter builds the published scales with Ultralytics' parameter counts, the fixture's
 * custom scale with its state dict's shapes, and runs to the decoded output shape.
 */
class YoloAdapterTest {

    private static Graph build(String arch, Shape input, Map<String, String> options) {
        return new YoloAdapter().build(new ModelSpec(arch, input, options),
                PluginHost.classpathOnly().newGraphBuilder(arch, 0));
    }

    @ParameterizedTest
    @CsvSource({"yolov8n, 3157200", "yolov8s, 11166560", "yolov8m, 25902640",
        "yolov8l, 43691520", "yolov8x, 68229648"})
    void publishedScalesHaveThePublishedParameterCounts(String arch, long params) {
        try (Graph g = build(arch, new Shape(1, 3, 64, 64), Map.of())) {
            assertThat(OpCounter.count(g).params()).isEqualTo(params);
            assertThat(g.outputs().get(0).shape()).isEqualTo(new Shape(1, 84, 8 * 8 + 4 * 4 + 2 * 2));
        }
    }

    @Test
    void customMultiplesBuildTheFixturesShapes() {
        Map<String, String> options = Map.of("depth_multiple", "0.33", "width_multiple", "0.125",
                "max_channels", "256", "nc", "8");
        try (Graph built = build("yolov8", new Shape(1, 3, 160, 160), options);
             Graph fixture = YoloFixture.read()) {
            assertThat(OpCounter.count(built).params()).isEqualTo(349_360);
            assertThat(built.parameters().keySet()).isEqualTo(fixture.parameters().keySet());
            built.parameters().forEach((name, p) ->
                    assertThat(p.shape()).as(name).isEqualTo(fixture.parameters().get(name).shape()));
        }
    }

    @Test
    void seededModelRunsWithDecodedOutput() {
        try (Graph g = build("yolov8n", new Shape(2, 3, 64, 64), Map.of("nc", "3"));
             NDManager m = NDManager.newBaseManager()) {
            NDArray out = new GraphExecutor(g).forward(new NDList(m.randomUniform(0, 1,
                    new Shape(2, 3, 64, 64)))).head();
            assertThat(out.getShape()).isEqualTo(new Shape(2, 7, 84));
            NDArray scores = out.get(":, 4:");
            assertThat(scores.min().getFloat()).isGreaterThanOrEqualTo(0f);
            assertThat(scores.max().getFloat()).isLessThanOrEqualTo(1f);
        }
    }

    @Test
    void refusesUnknownArchitecturesOptionsAndInputs() {
        Shape image = new Shape(1, 3, 64, 64);
        assertThatThrownBy(() -> build("yolov9", image, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown architecture 'yolov9'");
        assertThatThrownBy(() -> build("yolov8n", image, Map.of("classes", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.options.classes");
        assertThatThrownBy(() -> build("yolov8", image, Map.of("nc", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs depth_multiple");
        assertThatThrownBy(() -> build("yolov8n", new Shape(1, 3, 60, 60), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("multiple of 32");
    }
}
