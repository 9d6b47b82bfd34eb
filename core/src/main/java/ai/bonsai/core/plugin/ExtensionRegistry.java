package ai.bonsai.core.plugin;

import ai.bonsai.api.plugin.PluginException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Extensions of one kind keyed by their registry name, built once at start-up.
 *
 * @param <T> the extension point
 */
public final class ExtensionRegistry<T> {

    private final String kind;
    private final Map<String, T> byName;

    private ExtensionRegistry(String kind, Map<String, T> byName) {
        this.kind = kind;
        this.byName = Collections.unmodifiableMap(byName);
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
        Map<String, T> map = new TreeMap<>();
        for (T e : extensions) {
            T previous = map.putIfAbsent(name.apply(e), e);
            if (previous != null) {
                throw new PluginException(kind + " '" + name.apply(e) + "' is provided twice: by "
                        + previous.getClass().getName() + " (" + origin.apply(previous) + ") and by "
                        + e.getClass().getName() + " (" + origin.apply(e) + ")");
            }
        }
        return new ExtensionRegistry<>(kind, map);
    }

    /**
     * Returns the extension with a name.
     *
     * @param name the registry name
     * @return the extension
     * @throws PluginException listing the available names when unknown
     */
    public T get(String name) {
        T e = byName.get(name);
        if (e == null) {
            throw new PluginException("unknown " + kind + " '" + name + "'; available: " + byName.keySet());
        }
        return e;
    }

    /**
     * Returns the extension with a name, if any.
     *
     * @param name the registry name
     * @return the extension or empty
     */
    public Optional<T> find(String name) {
        return Optional.ofNullable(byName.get(name));
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
     * Returns every extension, sorted by name.
     *
     * @return the extensions
     */
    public Collection<T> all() {
        return byName.values();
    }
}
