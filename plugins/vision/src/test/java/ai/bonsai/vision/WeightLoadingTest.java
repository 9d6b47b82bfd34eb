package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.io.WeightLoader;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state_dict saved as safetensors under torchvision's names loads into a fresh graph 1:1. */
class WeightLoadingTest {

    private static final Shape INPUT = new Shape(1, 3, 64, 64);

    private static Graph resnet18(long seed) {
        return new TorchvisionAdapter().build(ModelSpec.of("resnet18", INPUT),
                PluginHost.classpathOnly().newGraphBuilder("resnet18", seed));
    }

    @Test
    void loadsByNameAndComputesTheSame(@TempDir Path dir) {
        Path file = dir.resolve("resnet18.safetensors");
        try (Graph source = resnet18(1); Graph target = resnet18(2); NDManager m = NDManager.newBaseManager()) {
            Safetensors.write(source, file);
            WeightLoader.load(target, file);
            NDArray x = m.randomNormal(INPUT);
            NDArray a = new GraphExecutor(source).forward(new NDList(x)).head();
            NDArray b = new GraphExecutor(target).forward(new NDList(x)).head();
            assertThat(a.contentEquals(b)).isTrue();
        }
    }
}
