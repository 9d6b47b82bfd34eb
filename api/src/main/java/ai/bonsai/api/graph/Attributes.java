package ai.bonsai.api.graph;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Immutable, typed attributes of a node ({@code stride}, {@code groups}, {@code eps}, ...).
 *
 * <p>Values are {@code Long}, {@code Double}, {@code Boolean}, {@code String} or {@code long[]};
 * integer inputs are widened on {@link #with}. Getters throw a {@link GraphException} naming the
 * key when an attribute is missing or has another type.
 *
 * <pre>{@code
 * Attributes a = Attributes.of().with("stride", new long[] {2, 2}).with("groups", 1);
 * long groups = a.getLong("groups");
 * }</pre>
 */
public final class Attributes {

    private static final Attributes EMPTY = new Attributes(Map.of());

    private final Map<String, Object> values;

    private Attributes(Map<String, Object> values) {
        this.values = values;
    }

    /**
     * Returns the empty attribute set.
     *
     * @return empty attributes
     */
    public static Attributes of() {
        return EMPTY;
    }

    /**
     * Returns a copy with one attribute set (replacing any previous value).
     *
     * @param key the attribute name
     * @param value a number, boolean, string, {@code int[]} or {@code long[]}
     * @return the new attributes
     */
    public Attributes with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, normalize(key, value));
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    private static Object normalize(String key, Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof Double) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof int[]) {
            return Arrays.stream((int[]) value).asLongStream().toArray();
        }
        if (value instanceof long[]) {
            return ((long[]) value).clone();
        }
        if (value instanceof Boolean || value instanceof String) {
            return value;
        }
        throw new GraphException(
                "attribute '" + key + "': unsupported value type "
                        + (value == null ? "null" : value.getClass().getName()));
    }

    /**
     * Tells whether an attribute is present.
     *
     * @param key the attribute name
     * @return true if present
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * Returns an integer attribute.
     *
     * @param key the attribute name
     * @return its value
     */
    public long getLong(String key) {
        return get(key, Long.class);
    }

    /**
     * Returns an integer attribute as {@code int}.
     *
     * @param key the attribute name
     * @return its value
     */
    public int getInt(String key) {
        return Math.toIntExact(getLong(key));
    }

    /**
     * Returns a floating point attribute.
     *
     * @param key the attribute name
     * @return its value
     */
    public double getDouble(String key) {
        Object v = require(key);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        throw typeError(key, "a number", v);
    }

    /**
     * Returns a boolean attribute.
     *
     * @param key the attribute name
     * @return its value
     */
    public boolean getBoolean(String key) {
        return get(key, Boolean.class);
    }

    /**
     * Returns a string attribute.
     *
     * @param key the attribute name
     * @return its value
     */
    public String getString(String key) {
        return get(key, String.class);
    }

    /**
     * Returns an integer list attribute (a copy).
     *
     * @param key the attribute name
     * @return its value
     */
    public long[] getLongs(String key) {
        return get(key, long[].class).clone();
    }

    /**
     * Returns a raw attribute value, if present (arrays are copied).
     *
     * @param key the attribute name
     * @return the value, or empty
     */
    public Optional<Object> find(String key) {
        Object v = values.get(key);
        return Optional.ofNullable(v instanceof long[] ? ((long[]) v).clone() : v);
    }

    /**
     * Returns the attribute names in insertion order.
     *
     * @return the names
     */
    public java.util.Set<String> keys() {
        return values.keySet();
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new GraphException("missing attribute '" + key + "' (present: " + values.keySet() + ")");
        }
        return v;
    }

    private <T> T get(String key, Class<T> type) {
        Object v = require(key);
        if (!type.isInstance(v)) {
            throw typeError(key, type.getSimpleName(), v);
        }
        return type.cast(v);
    }

    private static GraphException typeError(String key, String expected, Object found) {
        return new GraphException(
                "attribute '" + key + "': expected " + expected + ", found "
                        + found.getClass().getSimpleName());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attributes)) {
            return false;
        }
        Map<String, Object> other = ((Attributes) o).values;
        if (!values.keySet().equals(other.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {other.get(e.getKey())})) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return values.keySet().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(v instanceof long[] ? Arrays.toString((long[]) v) : v);
        });
        return sb.append('}').toString();
    }
}
