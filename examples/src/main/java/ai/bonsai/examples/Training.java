package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.train.GraphBlock;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Trains a graph in place with DJL's {@link Trainer} through a {@link GraphBlock}: softmax
 * cross-entropy, SGD with momentum 0.9, weight decay 5e-4 and a cosine learning-rate schedule,
 * DJL's accuracy evaluator, and one progress line per epoch.
 *
 * <pre>{@code
 * new Training(data.train(), 128, 0.1f, out).run(graph, "base", 3, Optional.empty());
 * }</pre>
 */
final class Training {

    private static final float MOMENTUM = 0.9f;
    private static final float WEIGHT_DECAY = 5e-4f;

    private final LabeledImages images;
    private final int batchSize;
    private final float learningRate;
    private final PrintWriter out;

    /**
     * Creates a training setup.
     *
     * @param images the training images
     * @param batchSize the batch size
     * @param learningRate the initial learning rate, decayed to 1 % along a cosine
     * @param out where progress goes
     */
    Training(LabeledImages images, int batchSize, float learningRate, PrintWriter out) {
        this.images = images;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.out = out;
    }

    /**
     * Trains the graph for some epochs, shuffling the images each epoch.
     *
     * @param graph the graph, updated in place
     * @param phase the phase's name in the progress lines
     * @param epochs the number of epochs (0 does nothing)
     * @param hook called after each backward pass, before the step
     */
    void run(Graph graph, String phase, int epochs, Optional<SparseTraining> hook) {
        if (epochs == 0) {
            return;
        }
        int stepsPerEpoch = (images.count() + batchSize - 1) / batchSize;
        try (NDManager manager = NDManager.newBaseManager(); Model model = Model.newInstance(phase)) {
            ArrayDataset dataset = new ArrayDataset.Builder()
                    .setData(images.images(manager))
                    .optLabels(images.labels(manager))
                    .setSampling(batchSize, true)
                    .build();
            model.setBlock(new GraphBlock(graph));
            Tracker schedule = Tracker.cosine().setBaseValue(learningRate)
                    .optFinalValue(learningRate / 100).setMaxUpdates(epochs * stepsPerEpoch)
                    .build();
            EvaluatorTrainingListener evaluators = new EvaluatorTrainingListener();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(schedule)
                            .optMomentum(MOMENTUM).optWeightDecays(WEIGHT_DECAY).build())
                    .optDevices(new Device[] {Device.cpu()})
                    .addEvaluator(new Accuracy())
                    .addTrainingListeners(evaluators, new Progress(phase, epochs, evaluators));
            hook.ifPresent(h -> config.addTrainingListeners(new AfterBackward(graph, h)));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(batchSize, 1, images.height(), images.width()));
                EasyTrain.fit(trainer, epochs, dataset, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (TranslateException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Prints the epoch's mean training loss and accuracy from DJL's evaluators. */
    private final class Progress extends TrainingListenerAdapter {

        private final String phase;
        private final int epochs;
        private final EvaluatorTrainingListener evaluators;
        private int epoch;
        private long start = System.nanoTime();

        Progress(String phase, int epochs, EvaluatorTrainingListener evaluators) {
            this.phase = phase;
            this.epochs = epochs;
            this.evaluators = evaluators;
        }

        @Override
        public void onEpoch(Trainer trainer) {
            epoch++;
            Map<String, Float> latest = evaluators.getLatestEvaluations();
            long now = System.nanoTime();
            out.printf("  %-28s epoch %d/%d  loss %.4f  train accuracy %5.2f %%  (%.0f s)%n",
                    phase, epoch, epochs, latest.get("train_loss"),
                    100 * latest.get("train_Accuracy"), (now - start) / 1e9);
            out.flush();
            start = now;
        }
    }

    /** Runs the sparse-training hook between a batch's backward pass and its step. */
    private static final class AfterBackward extends TrainingListenerAdapter {

        private final Graph graph;
        private final SparseTraining hook;

        AfterBackward(Graph graph, SparseTraining hook) {
            this.graph = graph;
            this.hook = hook;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            hook.afterBackward(graph);
        }
    }
}
