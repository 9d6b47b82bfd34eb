package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.PruningBudget;
import ai.bonsai.cli.BonsaiCli;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.pruner.BudgetResult;
import ai.bonsai.core.pruner.BudgetSearch;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Fashion-MNIST accuracy experiment: train a {@link SmallResNet}, then for each {@link
 * Variant} sparse-train (if it asks), prune to a MACs budget, fine-tune, and measure accuracy,
 * MACs and CPU latency against the base model.
 *
 * <p>Run it as {@code bonsai experiment fashion-mnist --data DIR} or through this class's
 * {@code main} with the same options:
 *
 * <pre>{@code
 * OPT_OUT_TRACKING=true java -Dai.djl.offline=true -cp 'examples/target/bonsai/lib/*' \
 *     ai.bonsai.examples.FashionMnistExperiment --data /usr/share/datasets/fashion-mnist
 * }</pre>
 *
 * <p>From Java:
 *
 * <pre>{@code
 * ExperimentReport report = new FashionMnistExperiment(settings, List.of(Variant.magnitude()))
 *         .run(FashionMnist.read(settings.data()), new PrintWriter(System.out, true));
 * }</pre>
 */
public final class FashionMnistExperiment {

    private static final int LATENCY_ROUNDS = 5;

    private final ExperimentSettings settings;
    private final List<Variant> variants;
    private final SmallResNet architecture = SmallResNet.fashionMnist();

    /**
     * Creates the experiment.
     *
     * @param settings the settings
     * @param variants the variants, one table row each
     */
    public FashionMnistExperiment(ExperimentSettings settings, List<Variant> variants) {
        this.settings = settings;
        this.variants = List.copyOf(variants);
    }

    /**
     * Runs {@code bonsai experiment fashion-mnist} with these arguments, DJL offline, and exits
     * with its status (1 when the data folder is missing, with how to get it).
     *
     * @param args the options of {@code bonsai experiment fashion-mnist}
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        String[] command = Stream.concat(Stream.of("experiment", "fashion-mnist"), Stream.of(args))
                .toArray(String[]::new);
        System.exit(BonsaiCli.execute(new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), command));
    }

    /**
     * Runs the experiment, printing progress. Latencies are measured last, every model in turn
     * (see {@link LatencyComparison}).
     *
     * @param data the data set (the settings say how much of it is used)
     * @param out where progress goes
     * @return the figures
     */
    public ExperimentReport run(FashionMnist data, PrintWriter out) {
        long start = System.nanoTime();
        LabeledImages train = data.train().first(settings.trainImages());
        LabeledImages test = data.test().first(settings.testImages());
        out.printf("Fashion-MNIST: %,d training and %,d test images; small ResNet (%s)%n",
                train.count(), test.count(), architecture.description());
        Engine.getInstance().setRandomSeed((int) settings.seed());
        Path folder = tempFolder();
        List<Graph> models = new ArrayList<>();
        try {
            Graph base = architecture.build(
                    PluginHost.classpathOnly().newGraphBuilder("small_resnet", settings.seed()));
            models.add(base);
            training(train, settings.learningRate(), out)
                    .run(base, "base", settings.epochs(), Optional.empty());
            double baseAccuracy = Evaluation.accuracy(base, test, settings.batchSize());
            out.printf("base: accuracy %.2f %%, %,d MACs%n", 100 * baseAccuracy,
                    OpCounter.count(base).macs());
            Checkpoint checkpoint = Checkpoint.save(base, architecture,
                    folder.resolve("base.safetensors"));
            long target = (long) Math.floor(OpCounter.count(base).macs() * settings.macsFraction());
            List<Pruned> pruned = new ArrayList<>();
            for (int i = 0; i < variants.size(); i++) {
                Pruned p = pruneAndFineTune(variants.get(i), checkpoint, target, train, test,
                        folder.resolve("variant" + i + ".safetensors"), out);
                models.add(p.graph());
                pruned.add(p);
            }
            LatencyComparison latency = new LatencyComparison(LATENCY_ROUNDS,
                    settings.latencyRuns());
            out.printf("measuring latency (%d rounds over all models)%n", LATENCY_ROUNDS);
            double[] one = latency.medians(models, SmallResNet.INPUT);
            double[] batch = latency.medians(models,
                    new Shape(settings.latencyBatch(), 1, test.height(), test.width()));
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            List<VariantResult> results = new ArrayList<>();
            for (int i = 0; i < pruned.size(); i++) {
                Pruned p = pruned.get(i);
                results.add(new VariantResult(p.variant().name(), p.variant().description(),
                        p.ratio(), p.accuracyBefore(), new ModelFigures(p.accuracy(),
                                OpCounter.count(p.graph()), one[i + 1], batch[i + 1])));
            }
            ModelFigures baseFigures = new ModelFigures(baseAccuracy, OpCounter.count(base),
                    one[0], batch[0]);
            return new ExperimentReport(settings, architecture, baseFigures, results,
                    Duration.ofNanos(System.nanoTime() - start), load);
        } finally {
            models.forEach(Graph::close);
            deleteTree(folder);
        }
    }

    private Pruned pruneAndFineTune(Variant variant, Checkpoint base, long targetMacs,
            LabeledImages train, LabeledImages test, Path sparseFile, PrintWriter out) {
        Checkpoint start = base;
        if (variant.sparseTraining().isPresent()) {
            try (Graph graph = base.restore()) {
                training(train, settings.fineTuneLearningRate(), out).run(graph,
                        variant.name() + " sparse", settings.sparseEpochs(),
                        variant.sparseTraining());
                start = Checkpoint.save(graph, architecture, sparseFile);
            }
        }
        BudgetResult budget = BudgetSearch.search(start::restore, variant.config().toBuilder()
                .optBudget(PruningBudget.macs(targetMacs)).build());
        Graph graph = budget.graph();
        try {
            double before = Evaluation.accuracy(graph, test, settings.batchSize());
            out.printf("%s: %s, accuracy right after pruning %.2f %%%n", variant.name(), budget,
                    100 * before);
            training(train, settings.fineTuneLearningRate(), out).run(graph,
                    variant.name() + " fine-tune", settings.fineTuneEpochs(), Optional.empty());
            double accuracy = Evaluation.accuracy(graph, test, settings.batchSize());
            out.printf("%s: accuracy after fine-tuning %.2f %%%n", variant.name(), 100 * accuracy);
            return new Pruned(variant, graph, budget.ratio(), before, accuracy);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    private Training training(LabeledImages train, float learningRate, PrintWriter out) {
        return new Training(train, settings.batchSize(), learningRate, out);
    }

    /** A variant's model after pruning and fine-tuning, before the latency measurement. */
    private record Pruned(Variant variant, Graph graph, double ratio, double accuracyBefore,
            double accuracy) {
    }

    private static Path tempFolder() {
        try {
            return Files.createTempDirectory("bonsai-fashion-mnist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary folder " + folder, e);
        }
    }
}
