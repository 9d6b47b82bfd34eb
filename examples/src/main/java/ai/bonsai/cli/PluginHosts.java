package ai.bonsai.cli;

import ai.bonsai.api.ConfigException;
import ai.bonsai.core.plugin.PluginFailure;
import ai.bonsai.core.plugin.PluginHost;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Opens the plugin host of a command: the distribution's {@code plugins/} folder, then every
 * {@code --plugins DIR} and the folders of the {@code BONSAI_PLUGINS} environment variable (a
 * list separated by the platform's path separator). A jar that fails to load is reported on
 * standard error by name with the reason; the other plugins load regardless.
 */
final class PluginHosts {

    /** The environment variable listing further plugin folders. */
    static final String ENV = "BONSAI_PLUGINS";

    private PluginHosts() {
    }

    /**
     * Opens the host for the running command and reports the jars that failed to load.
     *
     * @param spec the running command's spec
     * @return the host (close it)
     * @throws ai.bonsai.api.plugin.PluginException if a folder is missing or extensions conflict
     */
    static PluginHost open(CommandSpec spec) {
        PluginHost host = openQuietly(spec);
        PrintWriter err = spec.commandLine().getErr();
        for (PluginFailure f : host.failures()) {
            err.printf("bonsai: plugin '%s' not loaded: %s%n", f.path().getFileName(), f.reason());
        }
        err.flush();
        return host;
    }

    /**
     * Opens the host for the running command without reporting failures.
     *
     * @param spec the running command's spec
     * @return the host (close it)
     * @throws ConfigException if a folder of {@code --plugins} or {@code BONSAI_PLUGINS} is
     *     missing
     */
    static PluginHost openQuietly(CommandSpec spec) {
        PluginHost.Builder builder = PluginHost.builder();
        for (Path dir : folders(spec, System.getenv())) {
            builder.addPluginsDir(dir);
        }
        return builder.build();
    }

    /**
     * Returns the further plugin folders: {@code --plugins} first, then {@code BONSAI_PLUGINS}.
     *
     * @param spec the running command's spec
     * @param env the environment
     * @return the folders
     * @throws ConfigException naming a folder that does not exist
     */
    static List<Path> folders(CommandSpec spec, Map<String, String> env) {
        List<Path> dirs = new ArrayList<>();
        if (spec.root().userObject() instanceof BonsaiCli cli) {
            for (Path dir : cli.pluginDirs()) {
                dirs.add(existing(dir, "--plugins"));
            }
        }
        String list = env.getOrDefault(ENV, "");
        for (String entry : list.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                dirs.add(existing(Path.of(entry), ENV));
            }
        }
        return dirs;
    }

    private static Path existing(Path dir, String source) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(source, "plugins folder '" + dir + "' does not exist");
        }
        return dir;
    }
}
