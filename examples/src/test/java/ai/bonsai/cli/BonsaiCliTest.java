package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.io.BundleFormat;
import ai.bonsai.core.testing.TinyResNet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    @Test
    void everyCommandHasHelpThatExitsWithZero() {
        List<String> commands = new ArrayList<>();
        collect(new CommandLine(new BonsaiCli()), commands);
        assertThat(commands).contains("bonsai demo", "bonsai prune", "bonsai plugins",
                "bonsai experiment fashion-mnist");

        for (String command : commands) {
            out.getBuffer().setLength(0);
            List<String> args = new ArrayList<>(List.of(command.split(" ")).subList(1,
                    command.split(" ").length));
            args.add("--help");
            assertThat(run(args.toArray(String[]::new))).as(command).isZero();
            assertThat(out.toString()).as(command).contains("Usage: " + command + " ")
                    .contains("--help").contains("--quiet").contains("--plugins=DIR");
        }
    }

    private static void collect(CommandLine cmd, List<String> names) {
        names.add(cmd.getCommandSpec().qualifiedName());
        cmd.getSubcommands().values().forEach(sub -> collect(sub, names));
    }

    @Test
    void aBadValueIsAUsageErrorThatExitsWithTwo() {
        assertThat(run("demo", "--runs", "0")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("bonsai: --runs: must be at least 1, found 0"
                + System.lineSeparator());
    }

    @Test
    void anUnknownImportanceIsAUsageErrorThatListsTheAvailableOnes() throws Exception {
        System.setProperty(PLUGINS_DIR, Files.createDirectories(tmp.resolve("plugins")).toString());
        Path model = tmp.resolve("tiny.bonsai");
        try (Graph g = TinyResNet.build()) {
            new BundleFormat().write(g, model);
        }

        assertThat(run("prune", model.toString(), "--importance", "nosuch", "--out",
                tmp.resolve("out.bonsai").toString())).isEqualTo(2);

        assertThat(err.toString()).startsWith("bonsai: --importance: importance.name: unknown"
                + " importance 'nosuch'; available: ").contains("l1", "l2", "activation", "taylor");
        assertThat(tmp.resolve("out.bonsai")).doesNotExist();
    }

    @Test
    void aMissingPluginsFolderIsAUsageError() throws Exception {
        System.setProperty(PLUGINS_DIR, Files.createDirectories(tmp.resolve("plugins")).toString());
        Path missing = tmp.resolve("missing");

        assertThat(run("plugins", "--plugins", missing.toString())).isEqualTo(2);

        assertThat(err.toString()).isEqualTo("bonsai: --plugins: plugins folder '" + missing
                + "' does not exist" + System.lineSeparator());
    }
}
