package ai.bonsai.cli;

import java.io.PrintWriter;
import java.util.Map;

/**
 * One of the measurements {@code bonsai bench} makes, chosen by {@link BenchCommand} from its
 * arguments: {@link ResNetBenchMode} (no model), {@link OnnxRuntimeBenchMode} (two ONNX files) or
 * {@link LanguageModelBenchMode} (language-model folders). A mode checks the options it was
 * given, measures and prints; the command writes the figures it returns as JSON.
 */
interface BenchMode {

    /**
     * Checks the options, measures and prints the results.
     *
     * @param out where progress and the results go
     * @return the figures, for the JSON file
     * @throws ai.bonsai.api.ConfigException naming the option that does not fit this mode or has
     *     a bad value, before anything is measured
     */
    Map<String, Object> run(PrintWriter out);
}
