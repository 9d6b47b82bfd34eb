package ai.bonsai.cli;

import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.core.plugin.PluginHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Finds the {@link LanguageModel} extension that reads a model, for the LLM commands. */
final class LanguageModels {

    private LanguageModels() {
    }

    /**
     * Returns the first language-model extension that accepts a model.
     *
     * @param host the plugin host
     * @param model the model's path
     * @return the extension
     * @throws ModelFormatException if the model is missing or no extension accepts it
     */
    static LanguageModel find(PluginHost host, Path model) {
        if (!Files.exists(model)) {
            throw new ModelFormatException("model '" + model + "' does not exist");
        }
        List<LanguageModel> all = host.extensions(LanguageModel.class);
        return all.stream().filter(lm -> lm.accepts(model)).findFirst()
                .orElseThrow(() -> new ModelFormatException("no language-model plugin reads '"
                        + model + "'; language models: " + all.stream().map(LanguageModel::name)
                                .collect(Collectors.toList()) + " (-Dbonsai.plugins.dir)"));
    }
}
