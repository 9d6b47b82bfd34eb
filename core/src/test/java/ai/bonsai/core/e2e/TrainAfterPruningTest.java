package ai.bonsai.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.io.WeightLoader;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.Resources;
import ai.bonsai.core.testing.TinyResNet;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pruned model still trains: gradients reach every pruned parameter and SGD lowers the loss. */
class TrainAfterPruningTest {

    @Test
    void sgdStepsAfterPruningLowerTheLoss() {
        try (Graph g = TinyResNet.build(); NDManager m = NDManager.newBaseManager()) {
            WeightLoader.load(g, Resources.path("fixtures/tiny_resnet.safetensors"));
            new MetaPruner().start(g, PruningConfig.builder().setImportance(new MagnitudeImportance())
                    .optRatio(0.5).optIgnoredLayers(List.of("fc")).build()).step();
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(4, 3, 32, 32));
            NDArray target = m.randomNormal(new Shape(4, 10));
            GraphExecutor exec = new GraphExecutor(g);
            float first = 0;
            float last = 0;
            for (int step = 0; step < 5; step++) {
                float[] loss = new float[1];
                Map<String, NDArray> grads = exec.gradients(new NDList(x), out -> {
                    NDArray l = out.head().sub(target).square().mean();
                    loss[0] = l.getFloat();
                    return l;
                }, true);
                assertThat(grads.keySet()).containsAll(List.of("conv1.weight", "head.weight", "fc.weight"));
                assertThat(grads.get("head.weight").getShape()).isEqualTo(new Shape(16, 16, 3, 3));
                grads.forEach((name, grad) -> g.parameters().get(name).array().subi(grad.mul(0.05f)));
                if (step == 0) {
                    first = loss[0];
                }
                last = loss[0];
            }
            assertThat(last).isLessThan(first);
        }
    }
}
