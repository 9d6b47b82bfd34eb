package ai.bonsai.cli;

import ai.bonsai.api.model.AtomicFile;
import ai.bonsai.examples.ExperimentReport;
import ai.bonsai.examples.ExperimentSettings;
import ai.bonsai.examples.FashionMnist;
import ai.bonsai.examples.FashionMnistExperiment;
import ai.bonsai.examples.Variant;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai experiment fashion-mnist}: runs {@link FashionMnistExperiment} and writes its
 * table to a Markdown file.
 */
@Command(
        name = "fashion-mnist",
        header = "Train a small ResNet on Fashion-MNIST, prune it to half the MACs, fine-tune, compare.",
        description = "Trains the base model with DJL's Trainer, then for each variant prunes a"
                + " copy to the MACs budget, fine-tunes it for the same number of epochs and"
                + " measures accuracy, MACs and CPU latency. The data are the four IDX files of"
                + " Fashion-MNIST: 'apt-get install dataset-fashion-mnist' puts them in"
                + " /usr/share/datasets/fashion-mnist.")
public final class FashionMnistCommand implements Callable<Integer> {

    @Option(names = "--data", required = true,
            description = "Folder of the Fashion-MNIST IDX files (plain or .gz).")
    private Path data;

    @Option(names = "--out", defaultValue = "BENCHMARKS.md",
            description = "Markdown file to write (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--train-images", defaultValue = "10000",
            description = "Training images used, the first ones (default: ${DEFAULT-VALUE}).")
    private int trainImages;

    @Option(names = "--test-images", defaultValue = "10000",
            description = "Test images evaluated, the first ones (default: ${DEFAULT-VALUE}).")
    private int testImages;

    @Option(names = "--epochs", defaultValue = "3",
            description = "Epochs of training the base model (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--sparse-epochs", defaultValue = "2",
            description = "Epochs of sparse training, for variants with it (default: ${DEFAULT-VALUE}).")
    private int sparseEpochs;

    @Option(names = "--fine-tune-epochs", defaultValue = "2",
            description = "Epochs of fine-tuning each pruned model (default: ${DEFAULT-VALUE}).")
    private int fineTuneEpochs;

    @Option(names = "--batch-size", defaultValue = "128",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--lr", defaultValue = "0.1",
            description = "Initial learning rate of the base model (default: ${DEFAULT-VALUE}).")
    private float learningRate;

    @Option(names = "--fine-tune-lr", defaultValue = "0.02",
            description = "Initial learning rate of sparse training and fine-tuning"
                    + " (default: ${DEFAULT-VALUE}).")
    private float fineTuneLearningRate;

    @Option(names = "--macs", defaultValue = "0.5",
            description = "Target MACs of the pruned models, as a fraction of the base model's"
                    + " (default: ${DEFAULT-VALUE}).")
    private double macsFraction;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the initial weights and the shuffling (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--latency-runs", defaultValue = "20",
            description = "Timed forward passes per latency round; each model is measured in 5"
                    + " rounds and keeps its fastest (default: ${DEFAULT-VALUE}).")
    private int latencyRuns;

    @Option(names = "--latency-batch", defaultValue = "32",
            description = "Batch size of the second latency figure (default: ${DEFAULT-VALUE}).")
    private int latencyBatch;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public FashionMnistCommand() {
    }

    /**
     * Reads the data (failing with how to get them when they are missing), runs the experiment
     * with the default variants (magnitude, bnscale and group-norm, the last two after sparse
     * training) and writes the table.
     *
     * @return 0
     */
    @Override
    public Integer call() {
        PrintWriter printer = spec.commandLine().getOut();
        ExperimentSettings settings = new ExperimentSettings(data, out, trainImages, testImages,
                epochs, sparseEpochs, fineTuneEpochs, batchSize, learningRate,
                fineTuneLearningRate, macsFraction, seed, latencyRuns, latencyBatch);
        FashionMnist dataset = FashionMnist.read(data);
        ExperimentReport report = new FashionMnistExperiment(settings, Variant.defaults())
                .run(dataset, printer);
        String markdown = report.markdown();
        AtomicFile.write(out, "the experiment's table",
                file -> Files.writeString(file, markdown, StandardCharsets.UTF_8));
        printer.printf("%n%swrote %s%n", markdown, out);
        printer.flush();
        return 0;
    }
}
