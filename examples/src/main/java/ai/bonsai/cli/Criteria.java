package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.core.plugin.PluginHost;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves the {@code --importance} names of the command line: {@code l1} and {@code l2} are
 * magnitude with p = 1 and 2 (Torch-Pruning's {@code MagnitudeImportance(p)}), {@code activation}
 * is Wanda's |W|·‖X‖, and any other name is a criterion registered with the host, built-in
 * ({@code bnscale}, {@code lamp}, {@code fpgm}, {@code random}, {@code taylor}, {@code hessian},
 * {@code obdc}, {@code wanda}, {@code flap}, {@code magnitude}) or from a plugin.
 */
final class Criteria {

    private Criteria() {
    }

    /**
     * Returns the criterion with a name, configured with parameters.
     *
     * @param host the plugin host
     * @param name a command-line alias or a registered criterion's name
     * @param parameters the criterion's parameters ({@code --param key=value})
     * @return the criterion
     * @throws ConfigException listing the registered names if none matches
     * @throws ai.bonsai.api.BonsaiException naming a bad parameter
     */
    static ImportanceCriterion named(PluginHost host, String name, Map<String, String> parameters) {
        Map<String, Object> all = new LinkedHashMap<>();
        String registered = name;
        switch (name) {
            case "l1":
                registered = "magnitude";
                all.put("p", 1);
                break;
            case "l2":
                registered = "magnitude";
                all.put("p", 2);
                break;
            case "activation":
                registered = "wanda";
                break;
            default:
                break;
        }
        all.putAll(parameters);
        ImportanceCriterion criterion = host.criteria().find(registered).orElseThrow(() ->
                new ConfigException("--importance", "unknown importance '" + name
                        + "'; available: l1, l2, activation, "
                        + String.join(", ", host.criteria().names())));
        return all.isEmpty() ? criterion : criterion.withParameters(all);
    }
}
