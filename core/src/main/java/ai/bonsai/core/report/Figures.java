package ai.bonsai.core.report;

import java.util.Locale;

/** Number formats of the report page, independent of the default locale. */
final class Figures {

    private Figures() {
    }

    /**
     * Formats a count with thousands separators ({@code 11,689,512}).
     *
     * @param n the count
     * @return the text
     */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * Formats how many times smaller {@code after} is than {@code before} ({@code 3.83x}).
     *
     * @param before the figure before
     * @param after the figure after
     * @return the text, or {@code -} if {@code after} is 0
     */
    static String reduction(long before, long after) {
        return after == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", (double) before / after);
    }

    /**
     * Formats {@code after} as a percentage of {@code before} ({@code 26.1 %}).
     *
     * @param before the figure before
     * @param after the figure after
     * @return the text, or {@code -} if {@code before} is 0
     */
    static String kept(long before, long after) {
        return before == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100.0 * after / before);
    }
}
