package ai.bonsai.api.prune;

import java.util.regex.Pattern;

/**
 * A glob over node names: {@code *} matches any run of characters (dots included), {@code ?} one
 * character, everything else itself. {@code layer1.*} matches {@code layer1.0.conv1}.
 *
 * @param glob the pattern as written
 */
public record NamePattern(String glob) {

    /**
     * Validates the pattern.
     */
    public NamePattern {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("empty name pattern");
        }
    }

    /**
     * Tells whether a node name matches.
     *
     * @param name the node name
     * @return true if it matches
     */
    public boolean matches(String name) {
        return toRegex().matcher(name).matches();
    }

    private Pattern toRegex() {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString());
    }
}
