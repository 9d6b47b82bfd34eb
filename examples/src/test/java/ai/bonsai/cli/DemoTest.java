package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    @TempDir
    Path plugins;

    @Test
    void prunesResNet18ToTorchPruningsFiguresAndKeepsTheOutputShape() throws Exception {
        TestPlugins.copyInto(plugins);
        StringWriter printout = new StringWriter();

        DemoReport report;
        try (PluginHost host = PluginHost.builder().optPluginsDir(plugins).build()) {
            // one timed pass each side: the figures, not the latency, are under test here
            report = new Demo(host, 42, 1).run(new PrintWriter(printout));
        }

        // Torch-Pruning 1.6 on torchvision's resnet18 (../shared/reference/resnet18__l2_local50.json)
        assertThat(report.before()).isEqualTo(new ModelCost(11_689_512L, 1_822_177_768L));
        assertThat(report.after()).isEqualTo(new ModelCost(3_055_880L, 487_202_536L));
        assertThat(report.outputBefore()).isEqualTo(new Shape(1, 1000));
        assertThat(report.outputShapeUnchanged()).isTrue();
        assertThat(report.latencyBeforeMillis()).isPositive();
        assertThat(report.latencyAfterMillis()).isPositive();
        assertThat(printout.toString())
                .contains("prune_out_channels on conv1")
                .contains("prune_in_channels on layer2.0.downsample.0")
                .contains("idxs=[2, 6, 9]")
                .contains("params   11689512 -> 3055880  (3.83x fewer)")
                .contains("MACs     1822177768 -> 487202536  (3.74x fewer)")
                .contains("output   [1, 1000] -> [1, 1000]  (unchanged)")
                .contains("median of 1 forward passes");
    }
}
