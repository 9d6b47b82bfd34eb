package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.io.BundleFormat;
import ai.bonsai.core.testing.TinyResNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bonsai prune --report}: the HTML page of a tiny_resnet run, and none on failure. */
class PruneCommandReportTest {


    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    @BeforeEach
    void emptyPluginsDir() throws IOException {
        TestPlugins.useEmptyAsDefault(tmp.resolve("plugins"));
    }

    @AfterEach
    void clearPluginsDir() {
        TestPlugins.clearDefault();
    }

    private Path tinyResNetBundle() {
        Path file = tmp.resolve("tiny_resnet.bonsai");
        try (Graph g = TinyResNet.build()) {
            new BundleFormat().write(g, file);
        }
        return file;
    }

    @Test
    void theReportShowsTorchPruningsFiguresEveryLayerAndTheGroups() throws IOException {
        Path report = tmp.resolve("out/report.html");

        assertThat(cli.run("prune", tinyResNetBundle().toString(), "--ratio", "0.5", "--out",
                tmp.resolve("pruned.bonsai").toString(), "--report", report.toString()))
                .as(cli.err()).isZero();

        String html = Files.readString(report);
        // Torch-Pruning 1.6, tiny_resnet, L2 local 50 %, fc ignored: 16,426 -> 4,634 params
        assertThat(html).contains("<td class=\"n\">16,426</td><td class=\"n\">4,634</td>")
                .contains("<td class=\"n\">7,890,186</td><td class=\"n\">2,142,858</td>")
                .contains("<dt>importance</dt><dd>l2</dd>")
                .contains("<td>conv1</td><td>conv2d</td>")
                .contains("<svg id=\"chart-widths\"").contains("<svg id=\"chart-macs\"")
                .contains("step 1: head, 16 channels");
        assertThat(count(html, "<tr(?: class=\"unchanged\")?><td>")).isEqualTo(13);
        assertThat(cli.out()).contains("wrote " + report);
        assertThat(cli.err()).as("no progress bars off a terminal").isEmpty();
    }

    @Test
    void aFailedRunWritesNoReport() throws IOException {
        Path report = tmp.resolve("report.html");

        assertThat(cli.run("prune", tinyResNetBundle().toString(), "--out",
                tmp.resolve("pruned.unknown").toString(), "--report", report.toString()))
                .as("a usage error").isEqualTo(2);

        assertThat(cli.err()).contains("no model format");
        assertThat(report).doesNotExist();
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
