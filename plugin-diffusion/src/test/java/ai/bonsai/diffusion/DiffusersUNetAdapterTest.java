package ai.bonsai.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.core.count.OpCounter;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The adapter: UNets from a config file (seeded weights) and the DDPM CIFAR-10 preset. */
class DiffusersUNetAdapterTest {

    private final DiffusersUNetAdapter adapter = new DiffusersUNetAdapter();

    @Test
    void buildsTheFixtureLayoutFromItsConfig() {
        ModelSpec spec = new ModelSpec("UNet2DModel", new Shape(4, 3, 32, 32),
                Map.of("config", Fixture.folder().toString()));
        try (Graph g = adapter.build(spec, Fixture.HOST.newGraphBuilder("unet", 0))) {
            assertThat(OpCounter.count(g).params()).isEqualTo(177_427);
            assertThat(g.outputs().get(0).shape()).isEqualTo(new Shape(4, 3, 32, 32));
            assertThat(g.inputs().get(1).shape()).isEqualTo(new Shape(4));
        }
    }

    @Test
    void refusesAnInputWithOtherChannels() {
        ModelSpec spec = new ModelSpec("UNet2DModel", new Shape(1, 1, 16, 16),
                Map.of("config", Fixture.folder().toString()));
        assertThatThrownBy(() -> adapter.build(spec, Fixture.HOST.newGraphBuilder("unet", 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.inputShape")
                .hasMessageContaining("must be (B, 3, H, W)");
    }

    @Test
    @Tag("slow")
    void ddpmCifar10HasThePublishedParameterCount() {
        ModelSpec spec = ModelSpec.of(DiffusersUNetAdapter.DDPM_CIFAR10, new Shape(1, 3, 32, 32));
        try (Graph g = adapter.build(spec, Fixture.HOST.newGraphBuilder("ddpm", 0))) {
            assertThat(OpCounter.count(g).params()).isEqualTo(35_746_307);
        }
    }
}
