package ai.bonsai.examples;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * The figures of a Fashion-MNIST run and their Markdown rendering for {@code BENCHMARKS.md}.
 *
 * @param settings the run's settings
 * @param architecture the network that was trained and pruned
 * @param base the unpruned model's figures
 * @param variants one result per variant, in run order
 * @param runTime the wall-clock time of the whole run
 * @param loadAverage the system's one-minute load average right after the latency measurement
 *     (negative where the platform has none)
 */
public record ExperimentReport(ExperimentSettings settings, SmallResNet architecture,
        ModelFigures base,
        List<VariantResult> variants, Duration runTime, double loadAverage) {

    /**
     * Copies the list.
     */
    public ExperimentReport {
        variants = List.copyOf(variants);
    }

    /**
     * Renders the report: what was run and how to repeat it, the machine, and one table row for
     * the base model and one per variant.
     *
     * @return the Markdown text
     */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n## Fashion-MNIST: accuracy after pruning to ")
                .append(percent(settings.macsFraction(), 0)).append(" of the MACs\n\n")
                .append("DepGraph's claim under test: group-level sparse training loses the least"
                        + " accuracy. A small ResNet (")
                .append(architecture.description()).append(") is trained with"
                        + " DJL's Trainer through `GraphBlock`; each variant starts from the same"
                        + " trained weights, is sparse-trained if it asks for it, pruned to the MACs"
                        + " budget (`BudgetSearch` finds the smallest ratio by bisection on fresh"
                        + " copies; `fc` is never pruned; local ranking, one step), and fine-tuned"
                        + " for the same number of epochs.\n\n");
        for (VariantResult v : variants) {
            md.append("- **").append(v.name()).append("**: ").append(v.description())
                    .append(".\n");
        }
        md.append(variants.isEmpty() ? "" : "\n")
                .append(String.format(Locale.ROOT, "Sparse training runs %d epoch%s at the"
                        + " fine-tuning learning rate. The regularizers' documented defaults"
                        + " (Torch-Pruning's: bnscale 1e-5, group_norm 1e-4) are sized for ~100"
                        + " epochs of sparse training; over this short phase (SGD with momentum"
                        + " 0.9, so a constant gradient term c moves a weight by about"
                        + " c · Σ lr/(1 − 0.9) ≈ %.3g c) they would shift a BN scale by ~%.1e"
                        + " and shrink the least important group's weights by ~%.1f %% (weight"
                        + " decay alone shrinks every weight by ~%.1f %%), so the coefficients"
                        + " were raised to %s (bnscale) and %s (group_norm).%n%n",
                        settings.sparseEpochs(), settings.sparseEpochs() == 1 ? "" : "s",
                        sumOfSteps(), sumOfSteps() * 1e-5,
                        100 * (1 - Math.exp(-16e-4 * sumOfSteps())),
                        100 * (1 - Math.exp(-5e-4 * sumOfSteps())),
                        Variant.BN_SCALE_REG, Variant.GROUP_NORM_REG))
                .append("Command (after `mvn -q -B package -DskipTests`):\n\n```bash\n")
                .append(threadsPrefix()).append("examples/target/bonsai/bin/")
                .append(settings.commandLine()).append("\n```\n\n")
                .append(String.format(Locale.ROOT, "Measured on %s with %d cores, Java %s, %s"
                                + " intra-op threads; the run took %s. Training: SGD (momentum"
                                + " 0.9, weight decay 5e-4, cosine schedule), batch %d, on the"
                                + " first %,d training images; accuracy is top-1 on the first %,d"
                                + " test images. Latency is the median CPU forward time (eval"
                                + " mode) at batch 1 and at batch %d: the models are measured in turn over"
                                + " several rounds of %d passes, and each figure is the model's"
                                + " fastest round; the one-minute load average after it was %.1f"
                                + " on %d cores (other processes shared the machine when it is"
                                + " above the core count).%n%n",
                        LocalDate.now(ZoneOffset.UTC), Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"),
                        System.getProperty("ai.djl.pytorch.num_threads", "default"),
                        minutes(runTime), settings.batchSize(), settings.trainImages(),
                        settings.testImages(), settings.latencyBatch(),
                        settings.latencyRuns(), loadAverage,
                        Runtime.getRuntime().availableProcessors()))
                .append("| model | ratio | params | MACs | MACs speed-up | accuracy right after"
                        + " pruning | accuracy | Δ accuracy | latency, batch 1 | speed-up |"
                        + " latency, batch ").append(settings.latencyBatch())
                .append(" | speed-up |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
                .append(row("base (unpruned)", "—", "—", "—", base));
        for (VariantResult v : variants) {
            md.append(row(v.name(), String.format(Locale.ROOT, "%.3f", v.ratio()),
                    percent(v.accuracyBeforeFineTuning(), 2),
                    String.format(Locale.ROOT, "%+.2f pt",
                            100 * (v.pruned().accuracy() - base.accuracy())),
                    v.pruned()));
        }
        return md.toString();
    }

    private String row(String name, String ratio, String beforeFineTuning, String delta,
            ModelFigures f) {
        return String.format(Locale.ROOT,
                "| %s | %s | %,d | %,d | %.2f× | %s | %s | %s | %.3f ms | %.2f× | %.2f ms | %.2f× |%n",
                name, ratio, f.cost().params(), f.cost().macs(),
                (double) base.cost().macs() / f.cost().macs(), beforeFineTuning,
                percent(f.accuracy(), 2), delta,
                f.latencyMillis(), base.latencyMillis() / f.latencyMillis(),
                f.batchLatencyMillis(), base.batchLatencyMillis() / f.batchLatencyMillis());
    }

    /** Σ lr / (1 − momentum) over the sparse-training steps of the cosine schedule. */
    private double sumOfSteps() {
        int steps = settings.sparseEpochs()
                * ((settings.trainImages() + settings.batchSize() - 1) / settings.batchSize());
        double mean = settings.fineTuneLearningRate() * (1 + 0.01) / 2;
        return steps * mean / (1 - 0.9);
    }

    /** The launcher's thread setting, when the run had one: it changes the latencies. */
    private static String threadsPrefix() {
        String threads = System.getProperty("ai.djl.pytorch.num_threads");
        return threads == null ? "" : "BONSAI_THREADS=" + threads + " ";
    }

    private static String percent(double fraction, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f %%", 100 * fraction);
    }

    private static String minutes(Duration d) {
        return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }
}
