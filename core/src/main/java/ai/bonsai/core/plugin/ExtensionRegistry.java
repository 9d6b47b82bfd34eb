package ai.bonsai.core.plugin;

import ai.bonsai.api.plugin.PluginException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Extensions of one kind keyed by their registry name, discovered once at start-up.
 *
 * <p>Stateless kinds (op types, model formats) hand out the one instance discovered; stateful
 * kinds (importance criteria that accumulate gradients, pruners, regularizers) are built with
 * {@link #fresh}, and {@link #get} and {@link #find} then create a new instance on every call, so
 * that two concurrent runs never share one. {@link #all} always returns the discovered
 * instances, for listings and metadata (names, declared parameters).
 *
 * @param <T> the extension point
 */
public final class ExtensionRegistry<T> {

    private final String kind;
    private final Map<String, T> byName;
    private final UnaryOperator<T> instantiate;

    private ExtensionRegistry(String kind, Map<String, T> byName, UnaryOperator<T> instantiate) {
        this.kind = kind;
        this.byName = Collections.unmodifiableMap(byName);
        this.instantiate = instantiate;
    }

    /**
     * Builds a registry; two extensions with one name are an error naming both origins.
     *
     * @param kind what the extensions are, for messages ({@code op type})
     * @param extensions the extensions
     * @param name the registry name of an extension
     * @param origin where an extension comes from (plugin id or {@code classpath})
     * @param <T> the extension point
     * @return the registry
     * @throws PluginException on a duplicate name
     */
    public static <T> ExtensionRegistry<T> of(
            String kind, List<T> extensions, Function<T, String> name, Function<T, String> origin) {
        return new ExtensionRegistry<>(kind, byName(kind, extensions, name, origin),
                UnaryOperator.identity());
    }

    /**
     * Builds a registry whose {@link #get} and {@link #find} return a new instance per call.
     *
     * @param kind what the extensions are, for messages ({@code importance criterion})
     * @param extensions the discovered extensions, one per name
     * @param name the registry name of an extension
     * @param origin where an extension comes from (plugin id or {@code classpath})
     * @param instantiate creates a new instance like a discovered one (same class, same
     *     injections)
     * @param <T> the extension point
     * @return the registry
     * @throws PluginException on a duplicate name
     */
    public static <T> ExtensionRegistry<T> fresh(String kind, List<T> extensions,
            Function<T, String> name, Function<T, String> origin, UnaryOperator<T> instantiate) {
        return new ExtensionRegistry<>(kind, byName(kind, extensions, name, origin), instantiate);
    }

    private static <T> Map<String, T> byName(
            String kind, List<T> extensions, Function<T, String> name, Function<T, String> origin) {
        Map<String, T> map = new TreeMap<>();
        for (T e : extensions) {
            T previous = map.putIfAbsent(name.apply(e), e);
            if (previous != null) {
                throw new PluginException(kind + " '" + name.apply(e) + "' is provided twice: by "
                        + previous.getClass().getName() + " (" + origin.apply(previous) + ") and by "
                        + e.getClass().getName() + " (" + origin.apply(e) + ")");
            }
        }
        return map;
    }

    /**
     * Returns the extension with a name (a new instance for a {@link #fresh} registry).
     *
     * @param name the registry name
     * @return the extension
     * @throws PluginException listing the available names when unknown
     */
    public T get(String name) {
        T e = byName.get(name);
        if (e == null) {
            throw new PluginException("unknown " + kind + " '" + name + "'; available: "
                    + String.join(", ", byName.keySet()));
        }
        return instantiate.apply(e);
    }

    /**
     * Returns the extension with a name, if any (a new instance for a {@link #fresh} registry).
     *
     * @param name the registry name
     * @return the extension or empty
     */
    public Optional<T> find(String name) {
        return Optional.ofNullable(byName.get(name)).map(instantiate);
    }

    /**
     * Returns what the extensions are, for messages.
     *
     * @return the kind, such as {@code importance criterion}
     */
    public String kind() {
        return kind;
    }

    /**
     * Returns the registered names, sorted.
     *
     * @return the names
     */
    public Collection<String> names() {
        return byName.keySet();
    }

    /**
     * Returns every discovered extension, sorted by name (shared instances, for listings and
     * metadata; use {@link #get} to obtain one to run).
     *
     * @return the extensions
     */
    public Collection<T> all() {
        return byName.values();
    }
}
