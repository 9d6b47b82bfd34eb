package ai.bonsai.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.LayerCost;
import ai.bonsai.core.count.LayerCounter;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.bonsai.core.testing.HeadlessChromium;
import ai.bonsai.core.testing.TinyResNet;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportPageTest {

    private static PruningReport report;

    @TempDir
    Path tmp;

    /** Prunes tiny_resnet 50 % (L2, local, fc ignored): Torch-Pruning's 16,426 → 4,634 params. */
    @BeforeAll
    static void pruneTinyResNet() {
        try (Graph graph = TinyResNet.build()) {
            List<LayerCost> layersBefore = LayerCounter.count(graph);
            ModelCost before = OpCounter.count(graph);
            GroupLog groups = new GroupLog(3, 6, 120);
            PruningRun run = new MetaPruner().start(graph, PruningConfig.builder()
                    .setImportance(new MagnitudeImportance()).optRatio(0.5)
                    .optIgnoredLayers(List.of("fc")).build());
            run.stepInteractive().forEachRemaining(g -> {
                groups.record(g);
                g.prune();
            });
            report = PruningReport.of("tiny_resnet <&\"'>", Map.of("importance", "l2"), before,
                    OpCounter.count(graph), layersBefore, LayerCounter.count(graph), groups);
        }
    }

    @Test
    void theReportHoldsTorchPruningsFiguresAndEveryParameterisedLayer() {
        assertThat(report.before()).isEqualTo(new ModelCost(16_426, 7_890_186));
        assertThat(report.after()).isEqualTo(new ModelCost(4_634, 2_142_858));
        assertThat(report.layers()).extracting(LayerChange::name)
                .startsWith("conv1", "bn1").endsWith("fc");
        LayerChange conv1 = report.layers().get(0);
        assertThat(conv1.before().outChannels()).isEqualTo(16);
        assertThat(conv1.outChannelsAfter()).isEqualTo(8);
        assertThat(report.layers().get(report.layers().size() - 1).outChannelsAfter())
                .as("fc is ignored").isEqualTo(10);
        long paramsAfter = report.layers().stream().mapToLong(l -> l.after().params()).sum();
        assertThat(paramsAfter).isEqualTo(report.after().params());
        assertThat(report.groups()).hasSize(3);
        assertThat(report.groupCount()).isGreaterThan(3);
    }

    @Test
    void groupPrintoutsAreCutToTheLimits() {
        String first = report.groups().get(0);
        String[] lines = first.split("\n");
        assertThat(lines).hasSizeLessThanOrEqualTo(6);
        assertThat(lines[1]).contains("Pruning Group");
        assertThat(lines).allMatch(l -> l.length() <= 120);
        assertThat(first).contains("more lines");
    }

    @Test
    void allTextIsEscapedAndNothingIsLoadedFromOutside() {
        String html = ReportPage.html(report);
        assertThat(html).contains("tiny_resnet &lt;&amp;&quot;&#39;&gt;")
                .doesNotContain("tiny_resnet <&")
                .doesNotContain("<script")
                .doesNotContain("src=")
                .doesNotContain("href=")
                .contains("default-src 'none'");
    }

    @Test
    void aFailedWriteLeavesNoFile() throws Exception {
        Path blocker = tmp.resolve("blocker");
        Files.writeString(blocker, "a file where a folder should be");
        Path target = blocker.resolve("report.html");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportPage.write(report, target))
                .hasMessageContaining("cannot write HTML report '" + target + "'");
        assertThat(Files.readString(blocker)).isEqualTo("a file where a folder should be");
    }

    /** {@code -Dbonsai.report.screenshot=FILE} keeps the screenshot, to look at the page. */
    @Test
    void headlessChromiumRendersTheTableAndBothCharts() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.require();
        Path page = tmp.resolve("report.html");
        ReportPage.write(report, page);

        String dom = chromium.dumpDom(page, tmp);
        assertThat(dom).contains("<h1>Bonsai pruning report</h1>");
        assertThat(count(dom, "<tr(?: class=\"unchanged\")?><td>")).isEqualTo(report.layers().size());
        assertThat(dom).contains("<td>conv1</td><td>conv2d</td><td class=\"n\">3 → 3</td>"
                + "<td class=\"n\">16 → 8</td>");
        for (String chart : List.of("chart-widths", "chart-macs")) {
            Matcher svg = Pattern.compile("<svg id=\"" + chart + "\".*?</svg>", Pattern.DOTALL)
                    .matcher(dom);
            assertThat(svg.find()).as(chart).isTrue();
            assertThat(count(svg.group(), "<g class=\"row\">")).isEqualTo(report.layers().size());
            assertThat(count(svg.group(), "<rect class=\"after\"")).isEqualTo(report.layers().size());
        }
        assertThat(dom).contains("16,426").contains("4,634").contains("7,890,186")
                .contains("2,142,858");

        Path png = tmp.resolve("report.png");
        chromium.screenshot(page, png, 1000, 1400, tmp);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(1400);
        if (System.getProperty("bonsai.report.screenshot") != null) {
            Files.copy(png, Path.of(System.getProperty("bonsai.report.screenshot")),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
