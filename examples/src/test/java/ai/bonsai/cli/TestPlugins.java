package ai.bonsai.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The plugin jars the build copied to {@code target/test-plugins}, for tests that load them. */
public final class TestPlugins {

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
