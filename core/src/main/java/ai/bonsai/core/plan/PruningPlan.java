package ai.bonsai.core.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A pruning plan: what to prune, with which pruner and criterion, how far, and what to write. One
 * schema, read from YAML or JSON ({@link PlanBinder#read}), checked against the loaded extensions
 * before any work starts ({@link PlanResolver#validate}); see {@code docs/plan.md}.
 *
 * <pre>{@code
 * PruningPlan plan = PlanBinder.read(Path.of("plan.yaml"));
 * }</pre>
 *
 * @param model the model to prune; empty when the caller passes the model itself
 * @param importance the importance criterion and its parameters
 * @param pruner the pruner and its settings
 * @param regularizer the sparsity regularizer for training before pruning, if any
 * @param calibration calibration files: safetensors files of named graph inputs, or a language
 *     model's token-id or plain-text files
 * @param outputs what to write
 * @param places where each field is written, for messages
 */
public record PruningPlan(
        Optional<ModelSource> model,
        ExtensionChoice importance,
        PrunerSettings pruner,
        Optional<ExtensionChoice> regularizer,
        List<Path> calibration,
        PlanOutputs outputs,
        PlanPlaces places) {

    /**
     * Copies the list.
     */
    public PruningPlan {
        calibration = List.copyOf(calibration);
    }
}
