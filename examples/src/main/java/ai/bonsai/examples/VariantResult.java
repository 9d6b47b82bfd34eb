package ai.bonsai.examples;

/**
 * The outcome of one variant.
 *
 * @param name the variant's name
 * @param ratio the pruning ratio the MACs budget asked for
 * @param accuracyBeforeFineTuning top-1 test accuracy right after pruning
 * @param pruned the pruned model's figures after fine-tuning
 */
public record VariantResult(String name, double ratio, double accuracyBeforeFineTuning,
        ModelFigures pruned) {
}
