package ai.bonsai.core.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plan document as read, before binding: nested maps, lists and scalars, with the place every
 * key and value is written ({@code plan.yaml:7:12}), so that {@link PlanBinder} can name the
 * line and column of any invalid value. Command-line options override fields with {@link #set},
 * which records the option as the value's place.
 *
 * <pre>{@code
 * PlanTree tree = PlanTree.read(Path.of("plan.yaml"));
 * tree.set("pruner.ratio", 0.3, "--ratio");
 * PruningPlan plan = PlanBinder.bind(tree);
 * }</pre>
 */
public final class PlanTree {

    private final String source;
    private final Path baseDir;
    private final Map<String, Object> root;
    private final Map<String, String> valuePlaces = new HashMap<>();
    private final Map<String, String> keyPlaces = new HashMap<>();

    private PlanTree(String source, Path baseDir) {
        this.source = source;
        this.baseDir = baseDir;
        this.root = new LinkedHashMap<>();
    }

    /**
     * Returns an empty tree, for plans made of command-line options only.
     *
     * @param baseDir the folder relative paths are resolved against
     * @return the tree
     */
    public static PlanTree empty(Path baseDir) {
        return new PlanTree("", baseDir);
    }

    /**
     * Reads a YAML ({@code .yaml}, {@code .yml}) or JSON (any other name) plan file; relative
     * paths in it are resolved against its folder.
     *
     * @param file the plan file
     * @return the tree
     * @throws PlanException if the file is missing or not well-formed, with line and column
     */
    public static PlanTree read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new PlanException("", "plan", "file '" + file + "' does not exist");
        }
        try {
            String text = Files.readString(file);
            Path dir = file.toAbsolutePath().getParent();
            return parse(text, file.toString(), dir, isYaml(file.getFileName().toString()));
        } catch (IOException e) {
            throw new PlanException("", "plan", "cannot read '" + file + "': " + e.getMessage());
        }
    }

    /**
     * Parses a plan document given as text (YAML is a superset of JSON, so YAML reads both).
     *
     * @param text the document
     * @param source its name in messages, such as {@code plan.yaml}
     * @param baseDir the folder relative paths are resolved against
     * @param yaml true to read YAML, false for strict JSON
     * @return the tree
     * @throws PlanException if the document is not well-formed or not a mapping
     */
    public static PlanTree parse(String text, String source, Path baseDir, boolean yaml) {
        PlanTree tree = new PlanTree(source, baseDir);
        JsonFactory factory = yaml ? new YAMLFactory() : new JsonFactory();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return tree;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new PlanException(tree.place(p.currentTokenLocation()), "plan",
                        "must be a mapping of sections (model, pruner, importance, ...)");
            }
            tree.readObject(p, "", tree.root);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new PlanException(at == null ? source : tree.place(at), "plan",
                    "not well-formed " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PlanException(source, "plan", "cannot read: " + e.getMessage());
        }
        return tree;
    }

    private static boolean isYaml(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml");
    }

    private void readObject(JsonParser p, String path, Map<String, Object> into)
            throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            String child = join(path, key);
            String keyPlace = place(p.currentTokenLocation());
            if (into.containsKey(key)) {
                throw new PlanException(keyPlace, child, "is given twice");
            }
            keyPlaces.put(child, keyPlace);
            p.nextToken();
            into.put(key, readValue(p, child));
        }
    }

    private Object readValue(JsonParser p, String path) throws IOException {
        valuePlaces.put(path, place(p.currentTokenLocation()));
        switch (p.currentToken()) {
            case START_OBJECT:
                Map<String, Object> map = new LinkedHashMap<>();
                readObject(p, path, map);
                return map;
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p, path + "[" + list.size() + "]"));
                }
                return list;
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                return p.getText();
        }
    }

    private String place(JsonLocation at) {
        return source + ":" + at.getLineNr() + ":" + at.getColumnNr();
    }

    /**
     * Sets a field, creating the sections on its path, as a command-line option does. A
     * shorthand on the path ({@code importance: taylor}) becomes a section with that name
     * ({@code {name: taylor}}).
     *
     * @param path the dotted field path, such as {@code pruner.ratio}
     * @param value a string, number, boolean, list or map
     * @param origin what set it, such as {@code --ratio}
     */
    @SuppressWarnings("unchecked")
    public void set(String path, Object value, String origin) {
        String[] parts = path.split("\\.");
        Map<String, Object> section = root;
        String at = "";
        for (int i = 0; i < parts.length - 1; i++) {
            at = join(at, parts[i]);
            Object next = section.get(parts[i]);
            if (!(next instanceof Map)) {
                Map<String, Object> expanded = new LinkedHashMap<>();
                if (next instanceof String) {
                    expanded.put("name", next);
                }
                next = expanded;
                section.put(parts[i], next);
                valuePlaces.put(at, origin);
                keyPlaces.put(at, origin);
            }
            section = (Map<String, Object>) next;
        }
        section.put(parts[parts.length - 1], value);
        valuePlaces.put(path, origin);
        keyPlaces.put(path, origin);
    }

    /**
     * Tells whether a field is set (by the plan file or an option).
     *
     * @param path the dotted field path
     * @return true if present
     */
    @SuppressWarnings("unchecked")
    public boolean has(String path) {
        String[] parts = path.split("\\.");
        Object section = root;
        for (int i = 0; i < parts.length - 1 && section instanceof Map; i++) {
            section = ((Map<String, Object>) section).get(parts[i]);
        }
        return section instanceof Map && ((Map<String, Object>) section)
                .containsKey(parts[parts.length - 1]);
    }

    /**
     * Removes a field, as an option that replaces it does ({@code --target-macs} removes the
     * plan's ratio).
     *
     * @param path the dotted field path
     */
    @SuppressWarnings("unchecked")
    public void remove(String path) {
        String[] parts = path.split("\\.");
        Object section = root;
        for (int i = 0; i < parts.length - 1 && section instanceof Map; i++) {
            section = ((Map<String, Object>) section).get(parts[i]);
        }
        if (section instanceof Map) {
            ((Map<String, Object>) section).remove(parts[parts.length - 1]);
        }
    }

    /**
     * Returns the document's top-level mapping (live: {@link #set} changes it).
     *
     * @return the sections by name
     */
    Map<String, Object> root() {
        return root;
    }

    /**
     * Returns the document's name in messages.
     *
     * @return the file as given, or empty for command-line plans
     */
    public String source() {
        return source;
    }

    /**
     * Returns the folder relative paths are resolved against.
     *
     * @return the folder
     */
    public Path baseDir() {
        return baseDir;
    }

    /**
     * Returns where every field is written, as it stands now.
     *
     * @return the places
     */
    public PlanPlaces places() {
        return new PlanPlaces(source, valuePlaces, keyPlaces);
    }

    String valuePlace(String path) {
        return places().valuePlace(path);
    }

    String keyPlace(String path) {
        return places().keyPlace(path);
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
