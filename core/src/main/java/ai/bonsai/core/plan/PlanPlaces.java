package ai.bonsai.core.plan;

import java.util.Map;

/**
 * Where each field of a plan is written ({@code plan.yaml:7:12}, or the command-line option that
 * set it), so that checks made after binding still name the line and column at fault.
 *
 * @param source the plan file as given, or empty for a plan of command-line options only
 * @param valuePlaces places of values by field path
 * @param keyPlaces places of keys by field path
 */
public record PlanPlaces(
        String source, Map<String, String> valuePlaces, Map<String, String> keyPlaces) {

    /** A plan made in code: errors name fields only. */
    public static final PlanPlaces NONE = new PlanPlaces("", Map.of(), Map.of());

    /**
     * Copies the maps.
     */
    public PlanPlaces {
        valuePlaces = Map.copyOf(valuePlaces);
        keyPlaces = Map.copyOf(keyPlaces);
    }

    /**
     * Returns where a field's value is written, or its nearest written parent's place.
     *
     * @param path the field path
     * @return the place, or the plan's name when nothing on the path is written
     */
    public String valuePlace(String path) {
        return nearest(valuePlaces, path);
    }

    /**
     * Returns where a field's key is written, or its nearest written parent's place.
     *
     * @param path the field path
     * @return the place, or the plan's name when nothing on the path is written
     */
    public String keyPlace(String path) {
        return nearest(keyPlaces, path);
    }

    /**
     * Returns an error about a field's value, placed where the value is written.
     *
     * @param field the field path
     * @param problem what is wrong
     * @return the exception
     */
    public PlanException error(String field, String problem) {
        return new PlanException(valuePlace(field), field, problem);
    }

    /**
     * Returns an error about a field's key (an unknown name), placed where the key is written.
     *
     * @param field the field path
     * @param problem what is wrong
     * @return the exception
     */
    public PlanException keyError(String field, String problem) {
        return new PlanException(keyPlace(field), field, problem);
    }

    private String nearest(Map<String, String> places, String path) {
        for (String p = path; !p.isEmpty(); p = parent(p)) {
            String place = places.get(p);
            if (place != null) {
                return place;
            }
        }
        return source;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
