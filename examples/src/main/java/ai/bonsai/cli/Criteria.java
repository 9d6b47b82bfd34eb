package ai.bonsai.cli;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;

/**
 * Resolves the {@code --importance} names of the command line: {@code l1} and {@code l2} are
 * magnitude with p = 1 and 2 (Torch-Pruning's {@code MagnitudeImportance(p)}), any other name is
 * a criterion registered with the host, built-in or from a plugin.
 */
final class Criteria {

    private Criteria() {
    }

    /**
     * Returns the criterion with a name.
     *
     * @param host the plugin host
     * @param name {@code l1}, {@code l2} or a registered criterion's name
     * @return the criterion
     * @throws ai.bonsai.api.BonsaiException listing the registered names if none matches
     */
    static ImportanceCriterion named(PluginHost host, String name) {
        switch (name) {
            case "l1":
                return MagnitudeImportance.builder().optP(1).build();
            case "l2":
                return MagnitudeImportance.builder().optP(2).build();
            default:
                return host.criteria().get(name);
        }
    }
}
