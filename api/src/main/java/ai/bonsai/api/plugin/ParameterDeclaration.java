package ai.bonsai.api.plugin;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One named parameter an extension accepts (an importance criterion's {@code p}, a regularizer's
 * {@code reg}), declared so that a pruning plan can be validated, and the parameter listed,
 * before any work starts.
 *
 * <pre>{@code
 * new ParameterDeclaration("p", ParameterDeclaration.Type.NUMBER, "2", "norm exponent, positive");
 * }</pre>
 *
 * @param name the name as written in a plan ({@code group_reduction})
 * @param type the kind of value accepted
 * @param defaultValue the default, as text ({@code "2"}, {@code "mean"}, {@code "false"})
 * @param doc a one-line description, including the accepted values or range
 */
public record ParameterDeclaration(String name, Type type, String defaultValue, String doc) {

    /** The kinds of parameter values. */
    public enum Type {
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A whole number. */
        INTEGER,
        /** Any number. */
        NUMBER,
        /** Text (a name from a fixed list is a string whose doc lists the choices). */
        STRING,
        /** A list of whole numbers ({@code [4, 30]}). */
        INTEGERS;

        /**
         * Tells whether a value as a plan gives it (number, boolean, string) is of this type.
         *
         * @param value the value
         * @return true if it fits
         */
        public boolean accepts(Object value) {
            switch (this) {
                case BOOLEAN:
                    return value instanceof Boolean;
                case INTEGER:
                    return value instanceof Number n
                            && n.doubleValue() == Math.rint(n.doubleValue());
                case NUMBER:
                    return value instanceof Number;
                case INTEGERS:
                    return value instanceof List<?> list && list.stream().allMatch(INTEGER::accepts);
                default:
                    return value instanceof String;
            }
        }

        /**
         * Returns the type's name as plans and listings write it.
         *
         * @return {@code boolean}, {@code integer}, {@code number}, {@code string} or {@code
         *     list of integers}
         */
        public String label() {
            return this == INTEGERS ? "list of integers" : name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Validates the declaration.
     *
     * @throws NullPointerException if a component is null
     */
    public ParameterDeclaration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(doc, "doc");
    }
}
