package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BonsaiCliTest {

    private static final String PLUGINS_DIR = "bonsai.plugins.dir";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path tmp;

    @AfterEach
    void clearPluginsDir() {
        System.clearProperty(PLUGINS_DIR);
    }

    private int run(String... args) {
        return BonsaiCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void withoutArgumentsPrintsUsageThatPointsToDemo() {
        assertThat(run()).isZero();
        assertThat(out.toString())
                .startsWith("Usage: bonsai")
                .contains("  demo ")
                .contains("'bonsai demo'");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void helpOfDemoNamesTheSeedOption() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: bonsai demo").contains("--seed");
    }

    @Test
    void anErrorPrintsOneLineAndExitsWithOne() {
        Path missing = tmp.resolve("no-plugins");
        System.setProperty(PLUGINS_DIR, missing.toString());

        assertThat(run("demo")).isEqualTo(1);

        assertThat(err.toString())
                .isEqualTo("bonsai: plugins folder '" + missing + "' does not exist"
                        + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void verbosePrintsTheStackTrace() {
        System.setProperty(PLUGINS_DIR, tmp.resolve("no-plugins").toString());

        assertThat(run("demo", "--verbose")).isEqualTo(1);

        assertThat(err.toString())
                .startsWith("ai.bonsai.api.plugin.PluginException: plugins folder")
                .contains("\tat ai.bonsai.cli.DemoCommand.call");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("demo", "--no-such-option")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
    }
}
