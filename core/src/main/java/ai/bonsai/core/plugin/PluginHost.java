package ai.bonsai.core.plugin;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.model.ModelAdapter;
import ai.bonsai.api.model.ModelFormat;
import ai.bonsai.api.op.OpType;
import ai.bonsai.api.plugin.PluginException;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.graph.DefaultGraphBuilder;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFactory;
import org.pf4j.PluginManager;
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

    private PluginHost(Path pluginsDir) {
        Injector injector = Guice.createInjector(new BonsaiModule());
        GuiceExtensionFactory factory = new GuiceExtensionFactory(injector);
        List<Path> roots = pluginsDir == null ? List.of() : List.of(pluginsDir);
        this.plugins = new DefaultPluginManager(roots) {
            @Override
            protected ExtensionFactory createExtensionFactory() {
                return factory;
            }
        };
        if (pluginsDir != null) {
            plugins.loadPlugins();
            plugins.startPlugins();
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
                    h = new PluginHost(null);
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

    private <T> ExtensionRegistry<T> freshRegistry(String kind, Class<T> type,
            Function<T, String> name, GuiceExtensionFactory factory) {
        return ExtensionRegistry.fresh(kind, plugins.getExtensions(type), name, this::origin,
                e -> type.cast(factory.create(e.getClass())));
    }

    private String origin(Object extension) {
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
         * Loads the plugins and builds the registries.
         *
         * @return the host
         * @throws PluginException if the folder is missing or extensions conflict
         */
        public PluginHost build() {
            if (!Files.isDirectory(pluginsDir)) {
                throw new PluginException("plugins folder '" + pluginsDir + "' does not exist");
            }
            return new PluginHost(pluginsDir);
        }
    }
}
