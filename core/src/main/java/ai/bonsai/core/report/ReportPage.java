package ai.bonsai.core.report;

import ai.bonsai.api.model.AtomicFile;
import ai.bonsai.core.count.LayerCost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link PruningReport} as one self-contained HTML page: inline CSS and SVG, no script
 * and no external resource (a content security policy forbids loading any). It shows the summary
 * figures and settings, bar charts of output channels and of MACs per layer before and after,
 * the per-layer table and the pruned groups. All text is escaped.
 *
 * <pre>{@code
 * ReportPage.write(report, Path.of("report.html"));
 * }</pre>
 */
public final class ReportPage {

    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2327;max-width:1100px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
            .model{color:#50575e;margin:0 0 16px;word-break:break-all}
            table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #dcdcde}
            th{text-align:left;background:#f0f0f1}td.n{text-align:right;font-variant-numeric:tabular-nums}
            tr.unchanged td{color:#787c82}
            .chart text{font-size:11px;fill:#1d2327}.chart .label{text-anchor:end}
            .chart rect.before{fill:#a7aaad}.chart rect.after{fill:#00a32a}
            pre{background:#f6f7f7;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
            dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{font-weight:600}dd{margin:0}
            """;

    private ReportPage() {
    }

    /**
     * Renders the page.
     *
     * @param report the report
     * @return the HTML document
     */
    public static String html(PruningReport report) {
        StringBuilder sb = new StringBuilder(16_384);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                        + " style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>Bonsai pruning report: ").append(Html.escape(report.model()))
                .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>Bonsai pruning report</h1>\n<p class=\"model\">")
                .append(Html.escape(report.model())).append("</p>\n");
        summary(sb, report);
        settings(sb, report.settings());
        List<LayerChange> layers = report.layers();
        List<String> names = layers.stream().map(LayerChange::name).toList();
        sb.append("<h2>Output channels per layer</h2>\n")
                .append(new BarChart("chart-widths", "Output channels per layer, before and after",
                        names, values(layers, true, true), values(layers, true, false)).svg());
        sb.append("<h2>MACs per layer</h2>\n")
                .append(new BarChart("chart-macs", "MACs per layer, before and after", names,
                        values(layers, false, true), values(layers, false, false)).svg());
        layerTable(sb, layers);
        groups(sb, report);
        return sb.append("</body>\n</html>\n").toString();
    }

    /**
     * Writes the page atomically: a failed write leaves no file.
     *
     * @param report the report
     * @param target the HTML file
     * @throws ai.bonsai.api.model.ModelFormatException naming the file if writing fails
     */
    public static void write(PruningReport report, Path target) {
        String page = html(report);
        AtomicFile.write(target, "HTML report",
                tmp -> Files.writeString(tmp, page, StandardCharsets.UTF_8));
    }

    private static void summary(StringBuilder sb, PruningReport r) {
        sb.append("<h2>Summary</h2>\n<table id=\"summary\">\n<thead><tr><th></th><th>before</th>"
                + "<th>after</th><th>reduction</th><th>kept</th></tr></thead>\n<tbody>\n");
        summaryRow(sb, "parameters", r.before().params(), r.after().params());
        summaryRow(sb, "MACs", r.before().macs(), r.after().macs());
        sb.append("<tr><th>pruned groups</th><td class=\"n\" colspan=\"4\">")
                .append(Figures.count(r.groupCount())).append("</td></tr>\n</tbody>\n</table>\n");
    }

    private static void summaryRow(StringBuilder sb, String what, long before, long after) {
        sb.append("<tr><th>").append(what).append("</th>");
        cell(sb, Figures.count(before));
        cell(sb, Figures.count(after));
        cell(sb, Figures.reduction(before, after));
        cell(sb, Figures.kept(before, after));
        sb.append("</tr>\n");
    }

    private static void settings(StringBuilder sb, Map<String, String> settings) {
        if (settings.isEmpty()) {
            return;
        }
        sb.append("<h2>Settings</h2>\n<dl id=\"settings\">\n");
        settings.forEach((k, v) -> sb.append("<dt>").append(Html.escape(k)).append("</dt><dd>")
                .append(Html.escape(v)).append("</dd>\n"));
        sb.append("</dl>\n");
    }

    private static long[] values(List<LayerChange> layers, boolean widths, boolean before) {
        long[] v = new long[layers.size()];
        for (int i = 0; i < v.length; i++) {
            LayerChange l = layers.get(i);
            if (widths) {
                v[i] = before ? l.before().outChannels() : l.outChannelsAfter();
            } else {
                v[i] = before ? l.before().macs() : l.macsAfter();
            }
        }
        return v;
    }

    private static void layerTable(StringBuilder sb, List<LayerChange> layers) {
        sb.append("<h2>Layers</h2>\n<p>Every layer with parameters; the totals above also count"
                        + " the MACs of layers without parameters.</p>\n")
                .append("<table id=\"layers\">\n<thead><tr><th>layer</th><th>op</th>"
                        + "<th>in channels</th><th>out channels</th><th>params before</th>"
                        + "<th>params after</th><th>MACs before</th><th>MACs after</th></tr>"
                        + "</thead>\n<tbody>\n");
        for (LayerChange l : layers) {
            LayerCost b = l.before();
            LayerCost a = l.after();
            sb.append("<tr").append(l.changed() ? "" : " class=\"unchanged\"").append("><td>")
                    .append(Html.escape(b.name())).append("</td><td>").append(Html.escape(b.opType()))
                    .append("</td>");
            cell(sb, a == null ? b.inChannels() + " \u2192 removed"
                    : b.inChannels() + " \u2192 " + a.inChannels());
            cell(sb, b.outChannels() + " \u2192 " + l.outChannelsAfter());
            cell(sb, Figures.count(b.params()));
            cell(sb, Figures.count(a == null ? 0 : a.params()));
            cell(sb, Figures.count(b.macs()));
            cell(sb, Figures.count(l.macsAfter()));
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    private static void groups(StringBuilder sb, PruningReport r) {
        sb.append("<h2>Pruned groups</h2>\n<p>")
                .append(Figures.count(r.groupCount())).append(" groups pruned");
        if (r.groups().size() < r.groupCount()) {
            sb.append("; the first ").append(Figures.count(r.groups().size())).append(" are shown");
        }
        sb.append(".</p>\n<div id=\"groups\">\n");
        for (String g : r.groups()) {
            sb.append("<pre class=\"group\">").append(Html.escape(g)).append("</pre>\n");
        }
        sb.append("</div>\n");
    }

    private static void cell(StringBuilder sb, String text) {
        sb.append("<td class=\"n\">").append(Html.escape(text)).append("</td>");
    }
}
