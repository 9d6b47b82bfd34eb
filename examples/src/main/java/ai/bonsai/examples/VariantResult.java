package ai.bonsai.examples;

/**
 * The outcome of one variant.
 *
 * @param name the variant's name
 * @param description how the variant sparse-trains and scores channels
 * @param ratio the pruning ratio the MACs budget asked for
 * @param accuracyBeforeFineTuning top-1 test accuracy right after pruning
 * @param pruned the pruned model's figures after fine-tuning
 */
public record VariantResult(String name, String description, double ratio, double accuracyBeforeFineTuning,
        ModelFigures pruned) {
}
