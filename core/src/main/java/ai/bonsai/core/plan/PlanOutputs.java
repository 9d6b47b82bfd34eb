package ai.bonsai.core.plan;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The plan's {@code outputs} section: what a command-line run or a service job writes.
 *
 * @param model the pruned model file
 * @param format the format's registry name; empty to pick it by the file name
 * @param summary the JSON summary (params, MACs, kept channels)
 * @param report the HTML report
 */
public record PlanOutputs(
        Optional<Path> model,
        Optional<String> format,
        Optional<Path> summary,
        Optional<Path> report) {

    /** Nothing written. */
    public static final PlanOutputs NONE =
            new PlanOutputs(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
}
