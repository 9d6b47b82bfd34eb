package ai.bonsai.core.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An extension selected by registry name with its named parameters (the plan's {@code
 * importance} and {@code regularizer} sections).
 *
 * @param name the registry name, or an alias an extension declares ({@code l1})
 * @param parameters the parameters as written, in order
 */
public record ExtensionChoice(String name, Map<String, Object> parameters) {

    /**
     * Copies the parameters, keeping their order.
     */
    public ExtensionChoice {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Returns a choice without parameters.
     *
     * @param name the registry name
     * @return the choice
     */
    public static ExtensionChoice of(String name) {
        return new ExtensionChoice(name, Map.of());
    }
}
