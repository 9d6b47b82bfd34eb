package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import java.util.Locale;

/**
 * Reads the values of named parameters as a config file gives them (numbers, numeric strings,
 * booleans), failing with the parameter's field path.
 */
public final class NamedParameters {

    private NamedParameters() {
    }

    /**
     * Reads a number.
     *
     * @param field the field path, such as {@code importance.p}
     * @param value a number or a numeric string
     * @return the number
     * @throws ConfigException if it is not a number
     */
    public static double doubleValue(String field, Object value) {
        if (value instanceof Number) {
            return ((Number) value).doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new ConfigException(field, "must be a number, found " + value);
        }
    }

    /**
     * Reads an integer.
     *
     * @param field the field path
     * @param value an integral number or string
     * @return the integer
     * @throws ConfigException if it is not an integer
     */
    public static long longValue(String field, Object value) {
        double d = doubleValue(field, value);
        if (d != Math.rint(d)) {
            throw new ConfigException(field, "must be an integer, found " + value);
        }
        return (long) d;
    }

    /**
     * Reads a boolean.
     *
     * @param field the field path
     * @param value {@code true} or {@code false}, in any case
     * @return the boolean
     * @throws ConfigException if it is neither
     */
    public static boolean booleanValue(String field, Object value) {
        String s = String.valueOf(value).toLowerCase(Locale.ROOT);
        if (!s.equals("true") && !s.equals("false")) {
            throw new ConfigException(field, "must be true or false, found " + value);
        }
        return Boolean.parseBoolean(s);
    }

    /**
     * Returns a parameter name without underscores, in lower case, so that {@code
     * group_reduction} and {@code groupReduction} match.
     *
     * @param name the name as written
     * @return the canonical key
     */
    public static String canonical(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }
}
