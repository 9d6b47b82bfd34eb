package ai.bonsai.core.report;

/** Escaping of text for HTML and SVG element content and quoted attribute values. */
final class Html {

    private Html() {
    }

    /**
     * Escapes {@code & < > " '} so that any text can go into element content or a quoted
     * attribute.
     *
     * @param text the text (null is written as an empty string)
     * @return the escaped text
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
