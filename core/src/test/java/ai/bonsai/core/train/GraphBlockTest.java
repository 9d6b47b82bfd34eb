package ai.bonsai.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A graph wrapped as a DJL block trains with DJL's Trainer and updates the graph in place. */
class GraphBlockTest {

    private static final Shape INPUT = new Shape(8, 3, 8, 8);
    private static final float LEARNING_RATE = 0.1f;

    private static Graph tinyConvNet() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("tiny_cnn", 7);
        Value x = b.input("input", new Shape(1, 3, 8, 8));
        Value h = b.relu("relu1", b.batchNorm("bn1", b.conv2d("conv1", x, 8, 3, 1, 1)));
        h = b.relu("relu2", b.batchNorm("bn2", b.conv2d("conv2", h, 8, 3, 1, 1)));
        b.output(b.linear("fc", b.flatten("flatten", b.adaptiveAvgPool2d("pool", h, 1, 1)), 4));
        return b.build();
    }

    private static Trainer trainer(Model model) {
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(LEARNING_RATE)).build());
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(INPUT);
        return trainer;
    }

    /** Runs SGD steps on one batch and returns the loss before each step. */
    private static List<Float> train(Trainer trainer, NDArray x, NDArray labels, int steps) {
        List<Float> losses = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray loss = trainer.getLoss()
                        .evaluate(new NDList(labels), trainer.forward(new NDList(x)));
                losses.add(loss.getFloat());
                collector.backward(loss);
            }
            trainer.step();
        }
        return losses;
    }

    @Test
    void trainerStepsLowerTheLossAndUpdateTheGraphsOwnArrays() {
        try (Graph g = tinyConvNet(); NDManager m = NDManager.newBaseManager();
                Model model = Model.newInstance("tiny")) {
            m.getEngine().setRandomSeed(1);
            NDArray x = m.randomNormal(INPUT);
            NDArray labels = m.create(new float[] {0, 1, 2, 3, 0, 1, 2, 3});
            NDArray weight = g.parameters().get("conv1.weight").array();
            NDArray runningMean = g.parameters().get("bn1.running_mean").array();
            NDArray weightBefore = weight.duplicate();
            NDArray meanBefore = runningMean.duplicate();
            model.setBlock(new GraphBlock(g));

            List<Float> losses;
            try (Trainer trainer = trainer(model)) {
                losses = train(trainer, x, labels, 6);
            }

            assertThat(losses).isSortedAccordingTo((a, b) -> Float.compare(b, a));
            assertThat(losses.get(5)).isLessThan(losses.get(0));
            assertThat(g.parameters().get("conv1.weight").array()).isSameAs(weight);
            assertThat(weight.sub(weightBefore).abs().max().getFloat()).isGreaterThan(1e-4f);
            assertThat(g.parameters().get("bn1.running_mean").array()).isSameAs(runningMean);
            assertThat(runningMean.sub(meanBefore).abs().max().getFloat()).isGreaterThan(1e-4f);
            assertThat(g.parameters().get("bn1.num_batches_tracked").array().getLong())
                    .isEqualTo(6);
        }
    }

    @Test
    void oneTrainerStepIsOneSgdStepOnTheExecutorsGradients() {
        try (Graph viaTrainer = tinyConvNet(); Graph viaExecutor = tinyConvNet();
                NDManager m = NDManager.newBaseManager(); Model model = Model.newInstance("tiny")) {
            m.getEngine().setRandomSeed(4);
            NDArray x = m.randomNormal(INPUT);
            NDList labels = new NDList(m.create(new float[] {1, 1, 2, 2, 3, 3, 0, 0}));
            model.setBlock(new GraphBlock(viaTrainer));
            try (Trainer trainer = trainer(model)) {
                train(trainer, x, labels.head(), 1);
            }

            Loss loss = Loss.softmaxCrossEntropyLoss();
            NDArray grad = new GraphExecutor(viaExecutor)
                    .gradients(new NDList(x), out -> loss.evaluate(labels, out), true)
                    .get("conv2.weight");
            NDArray expected = viaExecutor.parameters().get("conv2.weight").array()
                    .sub(grad.mul(LEARNING_RATE));
            NDArray trained = viaTrainer.parameters().get("conv2.weight").array();

            assertThat(trained.sub(expected).abs().max().getFloat()).isLessThan(1e-6f);
            assertThat(grad.abs().max().getFloat()).isGreaterThan(1e-4f);
        }
    }

    @Test
    void blockParametersAreTheGraphParametersByName() {
        try (Graph g = tinyConvNet()) {
            GraphBlock block = new GraphBlock(g);

            assertThat(block.getParameters().keys())
                    .containsExactlyElementsOf(g.parameters().keySet());
            assertThat(block.getParameters().get("fc.weight").getArray())
                    .isSameAs(g.parameters().get("fc.weight").array());
            assertThat(block.getParameters().get("bn1.running_var").requiresGradient()).isFalse();
            assertThat(block.getParameters().get("bn1.weight").requiresGradient()).isTrue();
            assertThat(block.getOutputShapes(new Shape[] {INPUT}))
                    .containsExactly(new Shape(8, 4));
        }
    }

    @Test
    void forwardEqualsTheExecutorsInEvalMode() {
        try (Graph g = tinyConvNet(); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(INPUT);
            GraphBlock block = new GraphBlock(g);

            NDArray viaBlock = block.forward(new ParameterStore(m, false), new NDList(x), false)
                    .head();
            NDArray viaExecutor = new GraphExecutor(g).forward(new NDList(x)).head();

            assertThat(viaBlock.getShape()).isEqualTo(new Shape(8, 4));
            assertThat(viaBlock.contentEquals(viaExecutor)).isTrue();
        }
    }

    @Test
    void prunedGraphWrappedAgainTrains() {
        try (Graph g = tinyConvNet(); NDManager m = NDManager.newBaseManager();
                Model model = Model.newInstance("pruned")) {
            new MetaPruner().start(g, PruningConfig.builder()
                    .setImportance(new MagnitudeImportance()).optRatio(0.5)
                    .optIgnoredLayers(List.of("fc")).build()).step();
            m.getEngine().setRandomSeed(2);
            NDArray x = m.randomNormal(INPUT);
            NDArray labels = m.create(new float[] {3, 2, 1, 0, 3, 2, 1, 0});
            model.setBlock(new GraphBlock(g));

            List<Float> losses;
            NDArray out;
            try (Trainer trainer = trainer(model)) {
                losses = train(trainer, x, labels, 6);
                out = trainer.evaluate(new NDList(x)).head();
            }

            assertThat(g.parameters().get("conv1.weight").shape()).isEqualTo(new Shape(4, 3, 3, 3));
            assertThat(out.getShape()).isEqualTo(new Shape(8, 4));
            assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
        }
    }

    @Test
    void blockWrappedBeforePruningRefusesToRun() {
        try (Graph g = tinyConvNet(); NDManager m = NDManager.newBaseManager()) {
            GraphBlock block = new GraphBlock(g);
            new MetaPruner().start(g, PruningConfig.builder()
                    .setImportance(new MagnitudeImportance()).optRatio(0.5)
                    .optIgnoredLayers(List.of("fc")).build()).step();
            NDList input = new NDList(m.randomNormal(INPUT));

            assertThatThrownBy(() -> block.forward(new ParameterStore(m, false), input, false))
                    .isInstanceOf(GraphException.class)
                    .hasMessageContaining("parameter 'conv1.weight' was replaced")
                    .hasMessageContaining("wrap the graph in a new GraphBlock");
        }
    }
}
