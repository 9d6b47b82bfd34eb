package ai.bonsai.core.embed;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.io.BundleFormat;
import ai.bonsai.core.plan.ModelSource;
import ai.bonsai.core.plan.PlanBinder;
import ai.bonsai.core.plan.PlanResolver;
import ai.bonsai.core.plan.PruningPlan;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Bonsai for services: loads models, prunes them by {@link PruningPlan}, saves them. One
 * instance serves concurrent requests on different models (and concurrent runs on one model:
 * each run prunes its own copy); it keeps no static state, and every run gets fresh criterion
 * and pruner instances. See {@code docs/embedding.md}.
 *
 * <pre>{@code
 * try (Bonsai bonsai = Bonsai.builder().optPluginsDir(Path.of("plugins")).build();
 *         BonsaiModel model = bonsai.load(Path.of("resnet.onnx"));
 *         PruningResult result = bonsai.prune(model, bonsai.readPlan(Path.of("plan.yaml")))) {
 *     bonsai.save(result.model(), Path.of("resnet-pruned.onnx"));
 * }
 * }</pre>
 */
public final class Bonsai implements AutoCloseable {

    private final PluginHost host;
    private final boolean ownsHost;
    private final Path tempDir;
    private final boolean ownsTempDir;
    private final Semaphore runs;
    private final PlanResolver resolver;
    private final PruningEngine engine;
    private final Set<BonsaiModel> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong copies = new AtomicLong();
    private final BundleFormat bundle = new BundleFormat();

    private Bonsai(Builder b) throws IOException {
        this.ownsHost = b.host == null && b.pluginsDir != null;
        this.host = b.host != null ? b.host : ownsHost
                ? PluginHost.builder().optPluginsDir(b.pluginsDir).build()
                : PluginHost.classpathOnly();
        this.ownsTempDir = b.tempDir == null;
        this.tempDir = ownsTempDir ? Files.createTempDirectory("bonsai")
                : Files.createDirectories(b.tempDir);
        this.runs = new Semaphore(b.threads, true);
        this.resolver = new PlanResolver(host);
        this.engine = new PruningEngine(resolver, this::pruned,
                () -> host.extensions(LanguageModel.class));
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the plugin host whose extensions this instance uses.
     *
     * @return the host
     */
    public PluginHost host() {
        return host;
    }

    /**
     * Returns how many models this instance loaded or pruned that are not closed yet, to watch
     * for leaks.
     *
     * @return the number of open models
     */
    public int openModels() {
        return open.size();
    }

    /**
     * Reads a plan file and validates it against the loaded extensions.
     *
     * @param file a YAML or JSON plan
     * @return the plan
     * @throws ai.bonsai.core.plan.PlanException naming the file, line, column and field at fault
     */
    public PruningPlan readPlan(Path file) {
        PruningPlan plan = PlanBinder.read(file);
        validate(plan);
        return plan;
    }

    /**
     * Validates a plan against the loaded extensions: names, parameters, formats.
     *
     * @param plan the plan
     * @throws ai.bonsai.core.plan.PlanException naming the field at fault
     */
    public void validate(PruningPlan plan) {
        resolver.validate(plan);
    }

    /**
     * Loads a model file (or a model folder, such as a Hugging Face checkpoint) with the format
     * that claims it.
     *
     * @param file the model file or folder
     * @return the model; close it
     * @throws ModelFormatException if the file is missing, unreadable or claimed by no format
     */
    public BonsaiModel load(Path file) {
        if (!Files.exists(file)) {
            throw new ModelFormatException("model file '" + file + "' does not exist");
        }
        ModelFormat format;
        try {
            format = host.formatFor(file);
        } catch (BonsaiException e) {
            throw new ModelFormatException(e.getMessage(), e);
        }
        return fromFile(file, format, Map.of());
    }

    /**
     * Loads the model a plan names: a file (whose symbolic input dimensions the plan's input
     * shapes resolve, and which is checked against them) or an adapter's architecture.
     *
     * @param plan a plan with a model section
     * @return the model; close it
     * @throws ai.bonsai.core.plan.PlanException if the plan's model is missing or does not fit
     */
    public BonsaiModel load(PruningPlan plan) {
        ModelSource source = plan.model()
                .orElseThrow(() -> plan.places().error("model", "required"));
        if (source.adapter().isPresent()) {
            ModelAdapter adapter = resolver.adapter(plan);
            String architecture = source.adapter().get();
            ModelSpec spec = new ModelSpec(architecture, new Shape(source.inputShapes().values()
                    .iterator().next().stream().mapToLong(Long::longValue).toArray()),
                    source.options());
            return track(architecture, Optional.empty(),
                    () -> adapter.build(spec, host.newGraphBuilder(architecture, 0)));
        }
        Map<String, Shape> shapes = new LinkedHashMap<>();
        source.inputShapes().forEach((name, dims) ->
                shapes.put(name, new Shape(dims.stream().mapToLong(Long::longValue).toArray())));
        BonsaiModel model = fromFile(source.path().orElseThrow(), resolver.modelFormat(plan), shapes);
        try {
            checkInputShapes(plan, source, model.graph());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static void checkInputShapes(PruningPlan plan, ModelSource source, Graph graph) {
        source.inputShapes().forEach((name, dims) -> {
            String field = "model.input_shapes." + name;
            Value input = graph.inputs().stream().filter(v -> v.name().equals(name)).findFirst()
                    .orElseThrow(() -> plan.places().error(field, "the model has no input '" + name
                            + "'; inputs: " + graph.inputs().stream().map(Value::name).toList()));
            Shape expected = new Shape(dims.stream().mapToLong(Long::longValue).toArray());
            if (!input.shape().equals(expected)) {
                throw plan.places().error(field, "the model's input is " + input.shape()
                        + ", the plan says " + expected);
            }
        });
    }

    private BonsaiModel fromFile(Path file, ModelFormat format) {
        return fromFile(file, format, Map.of());
    }

    /** Reads a file, giving the format the input shapes that resolve symbolic dimensions. */
    private BonsaiModel fromFile(Path file, ModelFormat format, Map<String, Shape> inputShapes) {
        String name = baseName(file);
        return track(name, Optional.of(file),
                () -> format.read(file, host.newGraphBuilder(name, 0), inputShapes));
    }

    private BonsaiModel track(String name, Optional<Path> origin, Supplier<Graph> source) {
        BonsaiModel model = new BonsaiModel(name, origin, source.get(), source, open::remove);
        open.add(model);
        return model;
    }

    private BonsaiModel pruned(BonsaiModel original, Graph graph) {
        String name = original.name();
        BonsaiModel[] self = new BonsaiModel[1];
        self[0] = new BonsaiModel(name, original.origin(), graph,
                () -> copyThroughBundle(name, self[0].graph()), open::remove);
        open.add(self[0]);
        return self[0];
    }

    private Graph copyThroughBundle(String name, Graph graph) {
        Path file = tempDir.resolve(name + "-" + copies.incrementAndGet() + ".bonsai");
        try {
            bundle.write(graph, file);
            return bundle.read(file, host.newGraphBuilder(name, 0));
        } finally {
            deleteQuietly(file);
        }
    }

    /**
     * Prunes a copy of a model as a plan says; the model itself is left as it is.
     *
     * @param model the model
     * @param plan the plan (its model section is not used)
     * @return the result, which owns the pruned model; close it
     * @throws ai.bonsai.core.plan.PlanException if the plan is invalid
     */
    public PruningResult prune(BonsaiModel model, PruningPlan plan) {
        return prune(model, plan, ProgressListener.NONE, Cancellation.none());
    }

    /**
     * Prunes a copy of a model as a plan says, reporting progress and stopping when cancelled.
     * At most {@link Builder#optThreads} runs execute at once; others wait. A failed or
     * cancelled run frees its copy and leaves nothing behind.
     *
     * @param model the model
     * @param plan the plan (its model section is not used)
     * @param listener receives progress
     * @param cancel stops the run when set
     * @return the result, which owns the pruned model; close it
     * @throws CancelledException if cancelled
     * @throws ai.bonsai.core.plan.PlanException if the plan is invalid
     */
    public PruningResult prune(BonsaiModel model, PruningPlan plan, ProgressListener listener,
            Cancellation cancel) {
        try {
            runs.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        }
        try {
            return engine.run(model, plan, listener, cancel);
        } finally {
            runs.release();
        }
    }

    /**
     * Returns the regularizer a plan configures, for callers that train before pruning.
     *
     * @param plan the plan
     * @return a fresh regularizer, or empty if the plan has none
     */
    public Optional<Regularizer> regularizer(PruningPlan plan) {
        return resolver.regularizer(plan);
    }

    /**
     * Saves a pruned model atomically in the format its file name picks, recording the run's
     * settings as provenance where the format keeps metadata.
     *
     * @param result the pruning result
     * @param file the target file
     * @param format the format's registry name; empty to pick it by the file name
     * @throws BonsaiException if no format claims the file or the write fails (no file is left)
     */
    public void save(PruningResult result, Path file, Optional<String> format) {
        save(result.model(), file, format, result.settings());
    }

    /**
     * Saves a run's pruned model where its plan says ({@code outputs.model}), in the plan's
     * output format ({@link PlanResolver#outputFormat}: a folder no format claims by name gets
     * the input's format), atomically, with the run's settings as provenance.
     *
     * @param result the run's result
     * @param plan the plan of the run, with an output model
     */
    public void save(PruningResult result, PruningPlan plan) {
        resolver.outputFormat(plan).write(result.model().graph(),
                plan.outputs().model().orElseThrow(), result.settings());
    }

    /**
     * Saves a model atomically in the format its file name picks.
     *
     * @param model the model
     * @param file the target file
     * @throws BonsaiException if no format claims the file or the write fails (no file is left)
     */
    public void save(BonsaiModel model, Path file) {
        save(model, file, Optional.empty(), Map.of());
    }

    /**
     * Saves a model atomically.
     *
     * @param model the model
     * @param file the target file
     * @param format the format's registry name; empty to pick it by the file name
     * @param provenance entries recorded where the format keeps metadata
     * @throws BonsaiException if the format is unknown or the write fails (no file is left)
     */
    public void save(BonsaiModel model, Path file, Optional<String> format,
            Map<String, String> provenance) {
        ModelFormat f = format.map(name -> host.formats().get(name))
                .orElseGet(() -> host.formatFor(file));
        f.write(model.graph(), file, provenance);
    }

    /** Closes the models still open, the plugin host it started, and its temporary folder. */
    @Override
    public void close() {
        for (BonsaiModel m : new ArrayList<>(open)) {
            m.close();
        }
        if (ownsHost) {
            host.close();
        }
        if (ownsTempDir) {
            try (Stream<Path> files = Files.walk(tempDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(Bonsai::deleteQuietly);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + tempDir, e);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Configures a {@link Bonsai}. */
    public static final class Builder {

        private Path pluginsDir;
        private PluginHost host;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Path tempDir;

        private Builder() {
        }

        /**
         * Loads plugin jars from a folder (default: only the extensions on the classpath).
         *
         * @param dir the folder
         * @return this builder
         */
        public Builder optPluginsDir(Path dir) {
            this.pluginsDir = dir;
            return this;
        }

        /**
         * Uses a plugin host the caller built (and closes), instead of loading plugins.
         *
         * @param host the host
         * @return this builder
         */
        public Builder optPluginHost(PluginHost host) {
            this.host = host;
            return this;
        }

        /**
         * Sets how many pruning runs execute at once; more wait (default: the processors).
         *
         * @param threads at least 1
         * @return this builder
         */
        public Builder optThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, found " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Sets the folder for temporary files (default: a new folder under {@code java.io.tmpdir},
         * removed on close).
         *
         * @param dir the folder; created if missing, left in place on close
         * @return this builder
         */
        public Builder optTempDir(Path dir) {
            this.tempDir = dir;
            return this;
        }

        /**
         * Builds: loads the plugins.
         *
         * @return the instance; close it
         * @throws ai.bonsai.api.plugin.PluginException if the plugins folder is missing or
         *     extensions conflict
         */
        public Bonsai build() {
            try {
                return new Bonsai(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the temporary folder", e);
            }
        }
    }
}
