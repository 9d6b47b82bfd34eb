package ai.bonsai.core.report;

import java.util.List;
import java.util.Locale;

/**
 * An inline SVG chart of horizontal bar pairs, one row per layer: the value before pruning as a
 * grey bar and the value after as a green bar under it, on a linear scale from zero to the
 * largest value.
 *
 * @param id the SVG element's id
 * @param title the chart's title (also its accessible name)
 * @param labels one label per row
 * @param before the values before pruning, one per row
 * @param after the values after pruning, one per row
 */
record BarChart(String id, String title, List<String> labels, long[] before, long[] after) {

    static final int WIDTH = 860;
    private static final int LABEL_WIDTH = 220;
    private static final int VALUE_WIDTH = 150;
    private static final int TOP = 30;
    private static final int ROW = 16;
    private static final int BAR = 6;

    BarChart {
        if (labels.size() != before.length || labels.size() != after.length) {
            throw new IllegalArgumentException("chart '" + id + "': " + labels.size() + " labels, "
                    + before.length + " before values, " + after.length + " after values");
        }
        labels = List.copyOf(labels);
    }

    /**
     * Returns the chart as an SVG element.
     *
     * @return the markup
     */
    String svg() {
        long max = 1;
        for (int i = 0; i < before.length; i++) {
            max = Math.max(max, Math.max(before[i], after[i]));
        }
        int height = TOP + labels.size() * ROW + 8;
        double scale = (double) (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / max;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""
                + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
                Html.escape(id), WIDTH, height, WIDTH, height, Html.escape(title)));
        sb.append("<title>").append(Html.escape(title)).append("</title>\n");
        sb.append(String.format(Locale.ROOT, "<rect class=\"legend before\" x=\"%d\" y=\"8\" width=\"12\""
                + " height=\"10\"/><text x=\"%d\" y=\"17\">before</text>%n", LABEL_WIDTH, LABEL_WIDTH + 16));
        sb.append(String.format(Locale.ROOT, "<rect class=\"legend after\" x=\"%d\" y=\"8\" width=\"12\""
                + " height=\"10\"/><text x=\"%d\" y=\"17\">after</text>%n", LABEL_WIDTH + 80,
                LABEL_WIDTH + 96));
        for (int i = 0; i < labels.size(); i++) {
            int y = TOP + i * ROW;
            String label = Html.escape(labels.get(i));
            sb.append("<g class=\"row\">");
            sb.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\">%s</text>",
                    LABEL_WIDTH - 6, y + 2 * BAR - 1, label));
            bar(sb, "before", label, before[i], y, scale);
            bar(sb, "after", label, after[i], y + BAR, scale);
            sb.append(String.format(Locale.ROOT, "<text class=\"value\" x=\"%d\" y=\"%d\">%s</text>",
                    WIDTH - VALUE_WIDTH + 6, y + 2 * BAR - 1,
                    Html.escape(Figures.count(before[i]) + " \u2192 " + Figures.count(after[i]))));
            sb.append("</g>\n");
        }
        return sb.append("</svg>\n").toString();
    }

    private static void bar(StringBuilder sb, String kind, String label, long value, int y,
            double scale) {
        sb.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\""
                        + " height=\"%d\"><title>%s %s: %s</title></rect>", kind, LABEL_WIDTH, y,
                value * scale, BAR, label, kind, Figures.count(value)));
    }
}
