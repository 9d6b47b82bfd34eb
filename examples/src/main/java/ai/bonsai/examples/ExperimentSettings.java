package ai.bonsai.examples;

import ai.bonsai.api.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The settings of a Fashion-MNIST run; {@link #commandLine()} gives the command that repeats it.
 *
 * @param data the folder of the IDX files
 * @param out the Markdown file the table goes to
 * @param trainImages how many training images to use (the first ones)
 * @param testImages how many test images to evaluate on (the first ones)
 * @param epochs epochs of training the base model
 * @param sparseEpochs epochs of sparse training, for variants that have it
 * @param fineTuneEpochs epochs of fine-tuning each pruned model
 * @param batchSize the batch size of training, evaluation and the batch latency
 * @param learningRate the base model's initial learning rate
 * @param fineTuneLearningRate the initial learning rate of sparse training and fine-tuning
 * @param macsFraction the pruned models' MACs as a fraction of the base model's
 * @param seed the seed of the initial weights and of the shuffling
 * @param latencyRuns the timed forward passes of each latency measurement
 * @param latencyBatch the batch size of the second latency figure (the first is batch 1)
 */
public record ExperimentSettings(Path data, Path out, int trainImages, int testImages, int epochs,
        int sparseEpochs, int fineTuneEpochs, int batchSize, float learningRate,
        float fineTuneLearningRate, double macsFraction, long seed, int latencyRuns,
        int latencyBatch) {

    /**
     * Checks every field and reports all the problems at once.
     *
     * @throws ConfigException naming each bad option and its value
     */
    public ExperimentSettings {
        List<String> problems = new ArrayList<>();
        positive(problems, "--train-images", trainImages);
        positive(problems, "--test-images", testImages);
        positive(problems, "--epochs", epochs);
        positive(problems, "--batch-size", batchSize);
        positive(problems, "--latency-runs", latencyRuns);
        positive(problems, "--latency-batch", latencyBatch);
        if (sparseEpochs < 0) {
            problems.add("--sparse-epochs: must be at least 0, found " + sparseEpochs);
        }
        if (fineTuneEpochs < 0) {
            problems.add("--fine-tune-epochs: must be at least 0, found " + fineTuneEpochs);
        }
        if (!(learningRate > 0) || !(fineTuneLearningRate > 0)) {
            problems.add("--lr, --fine-tune-lr: must be positive, found " + learningRate + ", "
                    + fineTuneLearningRate);
        }
        if (!(macsFraction > 0 && macsFraction < 1)) {
            problems.add("--macs: must be in (0, 1), found " + macsFraction);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("fashion-mnist", String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String option, int value) {
        if (value < 1) {
            problems.add(option + ": must be at least 1, found " + value);
        }
    }

    /**
     * Returns the {@code bonsai} command that runs the experiment with these settings, every
     * option spelled out.
     *
     * @return the command line
     */
    public String commandLine() {
        return String.format(Locale.ROOT, "bonsai experiment fashion-mnist --data %s --out %s"
                        + " --train-images %d --test-images %d --epochs %d --sparse-epochs %d"
                        + " --fine-tune-epochs %d --batch-size %d --lr %s --fine-tune-lr %s"
                        + " --macs %s --seed %d --latency-runs %d"
                        + " --latency-batch %d",
                data, out, trainImages, testImages, epochs, sparseEpochs, fineTuneEpochs,
                batchSize, learningRate, fineTuneLearningRate, macsFraction, seed, latencyRuns,
                latencyBatch);
    }
}
