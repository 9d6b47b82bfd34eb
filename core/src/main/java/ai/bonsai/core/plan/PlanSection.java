package ai.bonsai.core.plan;

import ai.bonsai.api.plugin.ParameterDeclaration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One mapping of a {@link PlanTree} being bound: typed reads of its fields that fail with the
 * field's place and path, and a check that every key is known.
 */
final class PlanSection {

    private final PlanTree tree;
    private final String path;
    private final Map<String, Object> fields;

    PlanSection(PlanTree tree, String path, Map<String, Object> fields, Set<String> known) {
        this.tree = tree;
        this.path = path;
        this.fields = fields;
        for (String key : fields.keySet()) {
            if (!known.contains(key)) {
                String field = PlanTree.join(path, key);
                throw new PlanException(tree.keyPlace(field), field, "unknown key; known: "
                        + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    String path() {
        return path;
    }

    boolean has(String key) {
        return fields.get(key) != null;
    }

    Object raw(String key) {
        return fields.get(key);
    }

    String field(String key) {
        return PlanTree.join(path, key);
    }

    PlanException error(String key, String problem) {
        String field = field(key);
        return new PlanException(tree.valuePlace(field), field, problem);
    }

    Optional<PlanSection> section(String key, Set<String> known) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(new PlanSection(tree, field(key), mapping(key, v), known));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> mapping(String key, Object v) {
        if (!(v instanceof Map)) {
            throw error(key, "must be a mapping, found " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    Map<String, Object> map(String key) {
        Object v = fields.get(key);
        return v == null ? Map.of() : new LinkedHashMap<>(mapping(key, v));
    }

    Optional<String> string(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String) || ((String) v).isBlank()) {
            throw error(key, "must be a non-empty string, found " + describe(v));
        }
        return Optional.of((String) v);
    }

    String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    Optional<Path> path(String key) {
        return string(key).map(s -> tree.baseDir().resolve(s).normalize());
    }

    double number(String key, double defaultValue) {
        Object v = fields.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Number)) {
            throw error(key, "must be a number, found " + describe(v));
        }
        return ((Number) v).doubleValue();
    }

    Optional<Long> integer(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!ParameterDeclaration.Type.INTEGER.accepts(v)) {
            throw error(key, "must be an integer, found " + describe(v));
        }
        return Optional.of(((Number) v).longValue());
    }

    int integer(String key, int defaultValue) {
        return integer(key).map(Long::intValue).orElse(defaultValue);
    }

    boolean bool(String key, boolean defaultValue) {
        Object v = fields.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Boolean)) {
            throw error(key, "must be true or false, found " + describe(v));
        }
        return (Boolean) v;
    }

    List<Object> list(String key) {
        Object v = fields.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List)) {
            throw error(key, "must be a list, found " + describe(v));
        }
        return new ArrayList<>((List<?>) v);
    }

    /**
     * Returns a list of strings; a single string is a list of one.
     */
    List<String> strings(String key) {
        if (fields.get(key) instanceof String) {
            return List.of(string(key).orElseThrow());
        }
        List<Object> items = list(key);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String)) {
                String field = field(key) + "[" + i + "]";
                throw new PlanException(tree.valuePlace(field), field, "must be a string, found "
                        + describe(items.get(i)));
            }
            out.add((String) items.get(i));
        }
        return out;
    }

    PlanTree tree() {
        return tree;
    }

    /**
     * Describes a value for messages: its kind and how it is written.
     */
    static String describe(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof String) {
            return "string '" + v + "'";
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        return v instanceof Boolean ? "boolean " + v : String.valueOf(v);
    }
}
