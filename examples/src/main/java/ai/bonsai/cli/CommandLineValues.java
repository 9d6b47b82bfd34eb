package ai.bonsai.cli;

/**
 * Reads a command-line value ({@code --param p=1}) as a plan file would: an integer, a number,
 * a boolean, or else a string.
 */
final class CommandLineValues {

    private CommandLineValues() {
    }

    /**
     * Returns the value a plan would hold for the text.
     *
     * @param text the text after {@code =}
     * @return a Long, Double, Boolean or the text itself
     */
    static Object parse(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        try {
            return Long.valueOf(text);
        } catch (NumberFormatException notAnInteger) {
            try {
                return Double.valueOf(text);
            } catch (NumberFormatException notANumber) {
                return text;
            }
        }
    }
}
