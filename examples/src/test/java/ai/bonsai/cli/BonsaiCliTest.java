package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.io.BundleFormat;
import ai.bonsai.core.testing.TinyResNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BonsaiCliTest {

    private static final String PLUGINS_DIR = "bonsai.plugins.dir";

    private final CliRunner cli = new CliRunner();

    @TempDir
    Path tmp;

    @AfterEach
    void clearPluginsDir() {
        System.clearProperty(PLUGINS_DIR);
    }

    @Test
    void withoutArgumentsPrintsUsageThatPointsToDemo() {
        assertThat(cli.run()).isZero();
        assertThat(cli.out())
                .startsWith("Usage: bonsai")
                .contains("  demo ")
                .contains("'bonsai demo'");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void helpOfDemoNamesTheSeedOption() {
        assertThat(cli.run("demo", "--help")).isZero();
        assertThat(cli.out()).contains("Usage: bonsai demo").contains("--seed");
    }

    @Test
    void anErrorPrintsOneLineAndExitsWithOne() {
        Path missing = tmp.resolve("no-plugins");
        System.setProperty(PLUGINS_DIR, missing.toString());

        assertThat(cli.run("demo")).isEqualTo(1);

        assertThat(cli.err())
                .isEqualTo("bonsai: plugins folder '" + missing + "' does not exist"
                        + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void verbosePrintsTheStackTrace() {
        System.setProperty(PLUGINS_DIR, tmp.resolve("no-plugins").toString());

        assertThat(cli.run("demo", "--verbose")).isEqualTo(1);

        assertThat(cli.err())
                .startsWith("ai.bonsai.api.plugin.PluginException: plugins folder")
                .contains("\tat ai.bonsai.cli.DemoCommand.call");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(cli.run("demo", "--no-such-option")).isEqualTo(2);
        assertThat(cli.err()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void everyCommandHasHelpThatExitsWithZero() {
        List<String> commands = new ArrayList<>();
        collect(new CommandLine(new BonsaiCli()), commands);
        assertThat(commands).contains("bonsai demo", "bonsai prune", "bonsai plugins",
                "bonsai experiment fashion-mnist");

        for (String command : commands) {
            cli.clearOut();
            List<String> args = new ArrayList<>(List.of(command.split(" ")).subList(1,
                    command.split(" ").length));
            args.add("--help");
            assertThat(cli.run(args.toArray(String[]::new))).as(command).isZero();
            assertThat(cli.out()).as(command).contains("Usage: " + command + " ")
                    .contains("--help").contains("--quiet").contains("--plugins=DIR");
        }
    }

    private static void collect(CommandLine cmd, List<String> names) {
        names.add(cmd.getCommandSpec().qualifiedName());
        cmd.getSubcommands().values().forEach(sub -> collect(sub, names));
    }

    @Test
    void aBadValueIsAUsageErrorThatExitsWithTwo() {
        assertThat(cli.run("demo", "--runs", "0")).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("bonsai: --runs: must be at least 1, found 0"
                + System.lineSeparator());
    }

    @Test
    void anUnknownImportanceIsAUsageErrorThatListsTheAvailableOnes() throws Exception {
        TestPlugins.useEmptyAsDefault(tmp.resolve("plugins"));
        Path model = tmp.resolve("tiny.bonsai");
        try (Graph g = TinyResNet.build()) {
            new BundleFormat().write(g, model);
        }

        assertThat(cli.run("prune", model.toString(), "--importance", "nosuch", "--out",
                tmp.resolve("out.bonsai").toString())).isEqualTo(2);

        assertThat(cli.err()).startsWith("bonsai: --importance: importance.name: unknown"
                + " importance 'nosuch'; available: ").contains("l1", "l2", "activation", "taylor");
        assertThat(tmp.resolve("out.bonsai")).doesNotExist();
    }

    @Test
    void aMissingPluginsFolderIsAUsageError() throws Exception {
        TestPlugins.useEmptyAsDefault(tmp.resolve("plugins"));
        Path missing = tmp.resolve("missing");

        assertThat(cli.run("plugins", "--plugins", missing.toString())).isEqualTo(2);

        assertThat(cli.err()).isEqualTo("bonsai: --plugins: plugins folder '" + missing
                + "' does not exist" + System.lineSeparator());
    }
}
