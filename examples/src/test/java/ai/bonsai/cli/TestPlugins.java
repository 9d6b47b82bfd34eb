package ai.bonsai.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The plugin jars the build copied to {@code target/test-plugins}, for tests that load them. */
public final class TestPlugins {

    private static final String DEFAULT_DIR = "bonsai.plugins.dir";

    private TestPlugins() {
    }

    /**
     * Copies the built plugin jars into a folder, as a distribution's {@code plugins/} holds them.
     *
     * @param dir the folder
     * @return the names of the copied jars
     * @throws IOException if a copy fails
     */
    public static List<String> copyInto(Path dir) throws IOException {
        return copy(Path.of(System.getProperty("bonsai.test.plugins.dir")), dir);
    }

    /**
     * Copies the built plugin jars into a folder and makes it the default plugins folder ({@code
     * bonsai.plugins.dir}) of the hosts the test opens, as the launcher does for a distribution.
     *
     * @param dir the folder, created if missing
     * @return the folder
     * @throws IOException if a copy fails
     */
    public static Path useAsDefault(Path dir) throws IOException {
        copyInto(Files.createDirectories(dir));
        System.setProperty(DEFAULT_DIR, dir.toString());
        return dir;
    }

    /**
     * Makes an empty folder the default plugins folder ({@code bonsai.plugins.dir}) of the hosts the
     * test opens: they find the classpath's extensions only.
     *
     * @param dir the folder, created if missing
     * @return the folder
     * @throws IOException if the folder cannot be created
     */
    public static Path useEmptyAsDefault(Path dir) throws IOException {
        System.setProperty(DEFAULT_DIR, Files.createDirectories(dir).toString());
        return dir;
    }

    /** Forgets the default plugins folder {@link #useAsDefault} or {@link #useEmptyAsDefault} set. */
    public static void clearDefault() {
        System.clearProperty(DEFAULT_DIR);
    }

    /**
     * Copies the example third-party plugin jar ({@code examples/plugin-example}) into a folder.
     *
     * @param dir the folder
     * @return the names of the copied jars
     * @throws IOException if a copy fails
     */
    public static List<String> copyThirdPartyInto(Path dir) throws IOException {
        return copy(Path.of(System.getProperty("bonsai.test.third-party.dir")), dir);
    }

    private static List<String> copy(Path built, Path dir) throws IOException {
        try (Stream<Path> jars = Files.list(built)) {
            List<Path> all = jars.filter(p -> p.toString().endsWith(".jar")).sorted()
                    .collect(Collectors.toList());
            for (Path jar : all) {
                Files.copy(jar, dir.resolve(jar.getFileName()));
            }
            return all.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }
}
