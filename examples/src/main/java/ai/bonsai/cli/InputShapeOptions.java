package ai.bonsai.cli;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/**
 * Reads {@code --input-shape NAME=D0,D1,...} options: the full shape of a graph input, which
 * gives the sizes of its symbolic dimensions (a dynamic batch, height or width of an ONNX model)
 * and must match its static ones. A command that takes the option as it is mixes this class in
 * ({@code @Mixin}); one that documents it differently declares its own and parses it with the
 * static methods.
 */
final class InputShapeOptions {

    /** The option's name. */
    static final String OPTION = "--input-shape";

    @Option(names = OPTION, paramLabel = "NAME=DIMS",
            description = "The full shape of a graph input whose dimensions are symbolic (a"
                    + " dynamic batch, height or width), such as images=1,3,640,640; repeatable.")
    private List<String> values = new ArrayList<>();

    /** Creates the option, empty (picocli fills it in when a command mixes it in). */
    InputShapeOptions() {
    }

    /**
     * Parses the values given into shapes.
     *
     * @param cmd the command, for errors
     * @return the shapes by input name, in the order given (empty if the option was not given)
     * @throws ParameterException naming the value that is not {@code NAME=positive integers}
     */
    Map<String, Shape> shapes(CommandLine cmd) {
        return shapes(values, cmd);
    }

    /**
     * Parses the options.
     *
     * @param options the option values, {@code images=1,3,640,640} each
     * @param cmd the command, for errors
     * @return the dimensions by input name, in the order given
     * @throws ParameterException naming the value that is not {@code NAME=positive integers}
     */
    static Map<String, List<Long>> dims(List<String> options, CommandLine cmd) {
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        for (String option : options) {
            int eq = option.lastIndexOf('=');
            if (eq < 1 || eq == option.length() - 1) {
                throw invalid(cmd, option, "give NAME=D0,D1,..., such as images=1,3,640,640");
            }
            List<Long> dims = new ArrayList<>();
            for (String d : option.substring(eq + 1).split(",", -1)) {
                try {
                    dims.add(Long.parseLong(d.trim()));
                } catch (NumberFormatException e) {
                    throw invalid(cmd, option, "'" + d + "' is not an integer");
                }
                if (dims.get(dims.size() - 1) < 1) {
                    throw invalid(cmd, option, "sizes must be positive");
                }
            }
            shapes.put(option.substring(0, eq), dims);
        }
        return shapes;
    }

    /**
     * Parses the options into shapes.
     *
     * @param options the option values
     * @param cmd the command, for errors
     * @return the shapes by input name
     */
    static Map<String, Shape> shapes(List<String> options, CommandLine cmd) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        dims(options, cmd).forEach((name, dims) ->
                shapes.put(name, new Shape(dims.stream().mapToLong(Long::longValue).toArray())));
        return shapes;
    }

    private static ParameterException invalid(CommandLine cmd, String option, String why) {
        return new ParameterException(cmd, OPTION + " '" + option + "': " + why);
    }
}
