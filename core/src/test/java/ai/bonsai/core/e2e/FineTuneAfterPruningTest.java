package ai.bonsai.core.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.io.WeightLoader;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.KeptChannels;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.NativeMemoryChurn;
import ai.bonsai.core.train.GraphBlock;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning a pruned model, as the Fashion-MNIST experiment does, with garbage collections
 * forced between loading, pruning and training, and between every forward and backward pass:
 * the pruned weights are exactly the kept slices of the loaded ones, every loss stays finite,
 * the loss falls, and losses and trained weights are bit for bit those of the same run without
 * collections. Before the fix of issue 9 the backward pass read freed
 * memory (a pooling divisor DJL had wrapped in a collected Java buffer) and the loss became NaN.
 */
class FineTuneAfterPruningTest {

    private static final Shape INPUT = new Shape(16, 3, 8, 8);
    private static final int STEPS = 12;

    @TempDir
    Path dir;

    @Test
    void prunedModelFineTunesWithCollectionsBetweenEveryStep() {
        Path checkpoint = dir.resolve("base.safetensors");
        try (Graph seeded = build(21)) {
            Safetensors.write(seeded, checkpoint);
        }
        try (Graph g = build(99); NDManager m = NDManager.newBaseManager()) {
            WeightLoader.load(g, checkpoint);
            Map<String, NDArray> loaded = copies(g, m);
            NativeMemoryChurn.churn();

            KeptChannels kept = KeptChannels.of(g);
            new MetaPruner().start(g, PruningConfig.builder().setImportance(new MagnitudeImportance())
                    .optRatio(0.5).optIgnoredLayers(List.of("fc")).build())
                    .stepInteractive().forEachRemaining(group -> {
                        kept.record(group);
                        group.prune();
                    });
            NativeMemoryChurn.churn();

            int[] residual = ints(kept.keptOutChannels("conv1"));
            int[] inner = ints(kept.keptOutChannels("conv2"));
            assertThat(residual).hasSize(4);
            assertThat(inner).hasSize(6);
            Map<String, NDArray> expected = new LinkedHashMap<>();
            expected.put("conv1.weight", rows(loaded.get("conv1.weight"), residual));
            expected.put("conv2.weight", columns(rows(loaded.get("conv2.weight"), inner), residual));
            expected.put("conv3.weight", columns(rows(loaded.get("conv3.weight"), residual), inner));
            expected.put("fc.weight", columns(loaded.get("fc.weight"), residual));
            expected.put("fc.bias", loaded.get("fc.bias"));
            for (String bn : List.of("bn1", "bn2", "bn3")) {
                int[] channels = bn.equals("bn2") ? inner : residual;
                for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
                    expected.put(bn + "." + p, rows(loaded.get(bn + "." + p), channels));
                }
            }
            expected.forEach((name, want) -> assertThat(g.parameters().get(name).array()
                    .toFloatArray()).as(name).containsExactly(want.toFloatArray()));

            List<Float> losses = fineTune(g, m, true);
            assertThat(losses).hasSize(STEPS).allMatch(Float::isFinite);
            float late = (losses.get(STEPS - 1) + losses.get(STEPS - 2)) / 2;
            assertThat(late).isLessThan(losses.get(0));

            try (Graph quiet = build(99)) {
                WeightLoader.load(quiet, checkpoint);
                new MetaPruner().start(quiet, PruningConfig.builder()
                        .setImportance(new MagnitudeImportance()).optRatio(0.5)
                        .optIgnoredLayers(List.of("fc")).build()).step();
                assertThat(fineTune(quiet, m, false)).as("losses without collections")
                        .containsExactlyElementsOf(losses);
                for (Parameter p : g.parameters().values()) {
                    assertThat(p.array().toArray()).as(p.name()).containsExactly(
                            quiet.parameters().get(p.name()).array().toArray());
                }
            }
        }
    }

    @Test
    void trainingStopsAtTheFirstNonFiniteParameterNamingIt() {
        try (Graph g = build(4); NDManager m = NDManager.newBaseManager()) {
            g.parameters().get("conv2.weight").array().set(new NDIndex("0, 0, 0, 0"), Float.NaN);
            assertThatThrownBy(() -> fineTune(g, m, false))
                    .isInstanceOf(GraphException.class)
                    .hasMessageContaining("parameter 'conv2.weight'")
                    .hasMessageContaining("NaN");
        }
    }

    private static List<Float> fineTune(Graph g, NDManager m, boolean collect) {
        m.getEngine().setRandomSeed(8);
        NDArray x = m.randomNormal(INPUT);
        NDArray projection = m.randomNormal(new Shape(3, 4));
        NDArray labels = x.mean(new int[] {3}).mean(new int[] {2}).matMul(projection).argMax(1)
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        List<Float> losses = new ArrayList<>();
        try (Model model = Model.newInstance("fine-tune")) {
            model.setBlock(new GraphBlock(g));
            DefaultTrainingConfig config = new DefaultTrainingConfig(new CollectingLoss(collect))
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f))
                            .optMomentum(0.9f).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                for (int step = 0; step < STEPS; step++) {
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDList out = trainer.forward(new NDList(x));
                        NDArray loss = trainer.getLoss().evaluate(new NDList(labels), out);
                        losses.add(loss.getFloat());
                        collector.backward(loss);
                    }
                    trainer.step();
                }
            }
        }
        return losses;
    }

    /** Softmax cross-entropy that can force a collection between the forward and backward pass. */
    private static final class CollectingLoss extends Loss {

        private final Loss inner = Loss.softmaxCrossEntropyLoss();
        private final boolean collect;

        CollectingLoss(boolean collect) {
            super("collecting_softmax_cross_entropy");
            this.collect = collect;
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            if (collect) {
                NativeMemoryChurn.churn();
            }
            return inner.evaluate(labels, predictions);
        }
    }

    private static Graph build(long seed) {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("residual", seed);
        Value x = b.input("input", INPUT);
        Value stem = b.relu("relu1", b.batchNorm("bn1", b.conv2d("conv1", x, 8, 3, 1, 1)));
        Value h = b.relu("relu2", b.batchNorm("bn2", b.conv2d("conv2", stem, 12, 3, 1, 1)));
        h = b.batchNorm("bn3", b.conv2d("conv3", h, 8, 3, 1, 1));
        h = b.relu("relu3", b.add("add", h, stem));
        b.output(b.linear("fc", b.flatten("flatten", b.adaptiveAvgPool2d("pool", h, 1, 1)), 4));
        return b.build();
    }

    private static Map<String, NDArray> copies(Graph g, NDManager m) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Parameter p : g.parameters().values()) {
            NDArray copy = p.array().duplicate();
            copy.attach(m);
            out.put(p.name(), copy);
        }
        return out;
    }

    private static NDArray rows(NDArray a, int[] keep) {
        return a.get(new NDIndex("{}", a.getManager().create(keep)));
    }

    private static NDArray columns(NDArray a, int[] keep) {
        return a.get(new NDIndex(":, {}", a.getManager().create(keep)));
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
