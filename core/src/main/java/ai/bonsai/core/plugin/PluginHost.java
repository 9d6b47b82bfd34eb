package ai.bonsai.core.plugin;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphBuilders;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.plugin.ExtensionLookup;
import ai.bonsai.api.plugin.PluginException;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.graph.DefaultGraphBuilder;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFactory;
import org.pf4j.ExtensionPoint;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads Bonsai's extensions, built-in ones from the classpath and third-party ones from plugin
 * jars, and offers them as registries keyed by name.
 *
 * <pre>{@code
 * try (PluginHost host = PluginHost.builder().optPluginsDir(Path.of("plugins")).build()) {
 *     OpType conv = host.opTypes().get("conv2d");
 *     GraphBuilder b = host.newGraphBuilder("net", 42);
 * }
 * }</pre>
 */
public final class PluginHost implements AutoCloseable {

    private static volatile PluginHost classpathHost;

    private final PluginManager plugins;
    private final ExtensionRegistry<OpType> opTypes;
    private final ExtensionRegistry<ImportanceCriterion> criteria;
    private final ExtensionRegistry<Pruner> pruners;
    private final ExtensionRegistry<Regularizer> regularizers;
    private final ExtensionRegistry<ModelAdapter> adapters;
    private final ExtensionRegistry<ModelFormat> formats;
    private final List<PluginFailure> failures = new ArrayList<>();

    private PluginHost(List<Path> roots, Injector parent) {
        Module lookup = binder -> {
            binder.bind(ExtensionLookup.class)
                    .toInstance(new PluginExtensionLookup(this::pluginManager));
            binder.bind(GraphBuilders.class).toInstance(this::newGraphBuilder);
        };
        Injector injector = parent == null
                ? Guice.createInjector(new BonsaiModule(), lookup)
                : parent.createChildInjector(new BonsaiModule(), lookup);
        GuiceExtensionFactory factory = new GuiceExtensionFactory(injector);
        this.plugins = new DefaultPluginManager(roots) {
            @Override
            protected ExtensionFactory createExtensionFactory() {
                return factory;
            }

            @Override
            protected PluginDescriptorFinder createPluginDescriptorFinder() {
                return new DescriptorFinder();
            }

            @Override
            protected PluginWrapper loadPluginFromPath(Path path) {
                try {
                    return super.loadPluginFromPath(path);
                } catch (RuntimeException e) {
                    failures.add(PluginFailure.of(path, e));
                    return null;
                }
            }
        };
        if (!roots.isEmpty()) {
            plugins.loadPlugins();
            plugins.startPlugins();
            collectStartFailures();
            factory.install(plugins.getStartedPlugins().stream().map(PluginWrapper::getPlugin)
                    .filter(Module.class::isInstance).map(Module.class::cast).toList());
        }
        this.opTypes = registry("op type", OpType.class, OpType::name);
        this.criteria = freshRegistry("importance", ImportanceCriterion.class,
                ImportanceCriterion::name, factory);
        this.pruners = freshRegistry("pruner", Pruner.class, Pruner::name, factory);
        this.regularizers = freshRegistry("regularizer", Regularizer.class, Regularizer::name,
                factory);
        this.adapters = registry("model adapter", ModelAdapter.class, ModelAdapter::name);
        this.formats = registry("model format", ModelFormat.class, ModelFormat::name);
    }

    /** Records plugins that failed to start and extension classes that cannot be loaded. */
    private void collectStartFailures() {
        for (PluginWrapper w : plugins.getPlugins(PluginState.FAILED)) {
            failures.add(PluginFailure.of(w.getPluginPath(), w.getFailedException() != null
                    ? w.getFailedException()
                    : new PluginException("plugin '" + w.getPluginId() + "' failed to start")));
        }
        for (PluginWrapper w : plugins.getStartedPlugins()) {
            for (String cls : plugins.getExtensionClassNames(w.getPluginId())) {
                try {
                    Class.forName(cls, false, w.getPluginClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    failures.add(new PluginFailure(w.getPluginPath(), "extension class '" + cls
                            + "' cannot be loaded: " + e));
                }
            }
        }
    }

    /**
     * Returns a shared host with only the extensions on the classpath (no plugin jars), for
     * embedding and tests. Do not close it.
     *
     * @return the host
     */
    public static PluginHost classpathOnly() {
        PluginHost h = classpathHost;
        if (h == null) {
            synchronized (PluginHost.class) {
                h = classpathHost;
                if (h == null) {
                    h = new PluginHost(List.of(), null);
                    classpathHost = h;
                }
            }
        }
        return h;
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private <T> ExtensionRegistry<T> registry(String kind, Class<T> type, Function<T, String> name) {
        return ExtensionRegistry.of(kind, plugins.getExtensions(type), name, this::origin);
    }

    private PluginManager pluginManager() {
        return plugins;
    }

    /**
     * Returns the extensions of any extension point (a plugin's own points included), built by
     * the host's injector, from the classpath and every plugin jar.
     *
     * @param type the extension point
     * @param <T> its type
     * @return the extensions
     */
    public <T extends ExtensionPoint> List<T> extensions(Class<T> type) {
        return plugins.getExtensions(type);
    }

    private <T> ExtensionRegistry<T> freshRegistry(String kind, Class<T> type,
            Function<T, String> name, GuiceExtensionFactory factory) {
        return ExtensionRegistry.fresh(kind, plugins.getExtensions(type), name, this::origin,
                e -> type.cast(factory.create(e.getClass())));
    }

    /**
     * Returns where an extension comes from.
     *
     * @param extension an extension of this host
     * @return {@code plugin ID} or {@code classpath}
     */
    public String origin(Object extension) {
        PluginWrapper w = plugins.whichPlugin(extension.getClass());
        return w == null ? "classpath" : "plugin " + w.getPluginId();
    }

    /**
     * Returns the ids of the loaded plugins.
     *
     * @return plugin ids, sorted
     */
    public List<String> pluginIds() {
        return plugins.getPlugins().stream().map(PluginWrapper::getPluginId).sorted()
                .collect(Collectors.toList());
    }

    /**
     * Returns the loaded plugins (started or not), sorted by id.
     *
     * @return id, version, provider and path of each plugin
     */
    public List<PluginInfo> plugins() {
        return plugins.getPlugins().stream()
                .map(w -> new PluginInfo(w.getPluginId(), w.getDescriptor().getVersion(),
                        w.getDescriptor().getProvider() == null ? "" : w.getDescriptor().getProvider(),
                        w.getPluginPath()))
                .sorted(Comparator.comparing(PluginInfo::id))
                .collect(Collectors.toList());
    }

    /**
     * Returns the extension classes a plugin's index lists, whatever their extension point
     * (including points the host has no registry for, such as a plugin's own).
     *
     * @param pluginId the plugin's id
     * @return the class names, sorted; empty for an unknown id
     */
    public List<String> extensionClassNames(String pluginId) {
        return plugins.getExtensionClassNames(pluginId).stream().sorted()
                .collect(Collectors.toList());
    }

    /**
     * Returns the plugin jars that could not be loaded or started, with the reason; the other
     * plugins were loaded regardless.
     *
     * @return the failures, in the order they happened
     */
    public List<PluginFailure> failures() {
        return List.copyOf(failures);
    }

    /**
     * Returns the op types.
     *
     * @return the registry
     */
    public ExtensionRegistry<OpType> opTypes() {
        return opTypes;
    }

    /**
     * Returns the importance criteria; {@code get} builds a new instance per call, so that runs
     * never share a criterion's accumulated state.
     *
     * @return the registry
     */
    public ExtensionRegistry<ImportanceCriterion> criteria() {
        return criteria;
    }

    /**
     * Returns the pruners (a new instance per {@code get}).
     *
     * @return the registry
     */
    public ExtensionRegistry<Pruner> pruners() {
        return pruners;
    }

    /**
     * Returns the sparsity regularizers (a new instance per {@code get}).
     *
     * @return the registry
     */
    public ExtensionRegistry<Regularizer> regularizers() {
        return regularizers;
    }

    /**
     * Returns the model adapters.
     *
     * @return the registry
     */
    public ExtensionRegistry<ModelAdapter> adapters() {
        return adapters;
    }

    /**
     * Returns the model formats.
     *
     * @return the registry
     */
    public ExtensionRegistry<ModelFormat> formats() {
        return formats;
    }

    /**
     * Returns the adapter that builds an architecture.
     *
     * @param architecture the architecture, such as {@code resnet18}
     * @return the adapter
     * @throws PluginException listing the known architectures
     */
    public ModelAdapter adapterFor(String architecture) {
        return adapters.all().stream()
                .filter(a -> a.architectures().contains(architecture))
                .findFirst()
                .orElseThrow(() -> new PluginException("no model adapter builds '" + architecture
                        + "'; known architectures: " + adapters.all().stream()
                                .flatMap(a -> a.architectures().stream()).sorted()
                                .collect(Collectors.toList())));
    }

    /**
     * Returns the format that claims a file name (for writing, the file need not exist).
     *
     * @param file the file
     * @return the first format whose {@code supports} accepts the file
     * @throws PluginException listing the available formats if none claims the file
     */
    public ModelFormat formatFor(Path file) {
        return formats.all().stream()
                .filter(f -> f.supports(file))
                .findFirst()
                .orElseThrow(() -> new PluginException("no model format reads or writes '"
                        + file.getFileName() + "'; formats: " + String.join(", ", formats.names())
                        + (pluginIds().isEmpty() ? " (no plugins are loaded: is the plugins"
                                + " folder set?)" : "")));
    }

    /**
     * Returns a fresh graph builder over this host's op types.
     *
     * @param graphName the graph's name
     * @param seed the seed of parameter initialization
     * @return the builder
     */
    public GraphBuilder newGraphBuilder(String graphName, long seed) {
        return new DefaultGraphBuilder(graphName, opTypes, seed);
    }

    @Override
    public void close() {
        if (this != classpathHost) {
            plugins.stopPlugins();
            plugins.unloadPlugins();
        }
    }

    /** Configures a {@link PluginHost}. */
    public static final class Builder {

        private Path pluginsDir = Path.of(System.getProperty("bonsai.plugins.dir", "plugins"));
        private final List<Path> extraDirs = new ArrayList<>();
        private Injector parentInjector;

        private Builder() {
        }

        /**
         * Sets the folder of plugin jars (default {@code ./plugins}, or the system property
         * {@code bonsai.plugins.dir}).
         *
         * @param dir the folder
         * @return this builder
         */
        public Builder optPluginsDir(Path dir) {
            this.pluginsDir = dir;
            return this;
        }

        /**
         * Adds a further folder of plugin jars, searched after the main one; repeatable.
         *
         * @param dir the folder
         * @return this builder
         */
        public Builder addPluginsDir(Path dir) {
            extraDirs.add(dir);
            return this;
        }

        /**
         * Makes the host's injector a child of an application's own Guice injector: extensions
         * (built-in and from plugin jars) may then {@code @Inject} the application's services as
         * well as Bonsai's ({@link BonsaiModule}, {@link ExtensionLookup}).
         *
         * @param parent the application's injector
         * @return this builder
         */
        public Builder optInjector(Injector parent) {
            this.parentInjector = parent;
            return this;
        }

        /**
         * Loads the plugins and builds the registries. A jar that fails to load is recorded in
         * {@link PluginHost#failures()} and the others are loaded.
         *
         * @return the host
         * @throws PluginException if a folder is missing or extensions conflict
         */
        public PluginHost build() {
            List<Path> roots = new ArrayList<>();
            roots.add(pluginsDir);
            roots.addAll(extraDirs);
            for (Path dir : roots) {
                if (!Files.isDirectory(dir)) {
                    throw new PluginException("plugins folder '" + dir + "' does not exist");
                }
            }
            return new PluginHost(roots, parentInjector);
        }
    }
}
