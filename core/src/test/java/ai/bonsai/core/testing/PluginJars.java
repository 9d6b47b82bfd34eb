package ai.bonsai.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes.Name;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources at test time into a PF4J plugin jar, as a Bonsai user would build one,
 * so that tests load the plugin from a folder and never from the test classpath.
 */
public final class PluginJars {

    private PluginJars() {
    }

    /**
     * Builds a plugin jar.
     *
     * @param work a scratch folder
     * @param pluginId the {@code Plugin-Id}
     * @param pluginClass the {@code Plugin-Class}, or null for none
     * @param sources Java sources by fully qualified class name
     * @param extensions the classes listed in {@code META-INF/extensions.idx}
     * @param classpath classes whose code sources the sources compile against
     * @return the jar
     * @throws IOException if a file cannot be written or javac fails
     */
    public static Path build(Path work, String pluginId, String pluginClass,
            Map<String, String> sources, List<String> extensions, Class<?>... classpath)
            throws IOException {
        Path src = Files.createDirectories(work.resolve(pluginId + "-src"));
        Path classes = Files.createDirectories(work.resolve(pluginId + "-classes"));
        List<String> args = new ArrayList<>(List.of("-proc:none", "-classpath",
                Stream.of(classpath).map(PluginJars::location)
                        .collect(Collectors.joining(File.pathSeparator)),
                "-d", classes.toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            args.add(Files.writeString(file, e.getValue()).toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
            throw new IOException("javac failed on the sources of plugin " + pluginId);
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Plugin-Id", pluginId);
        manifest.getMainAttributes().putValue("Plugin-Version", "1.0.0");
        manifest.getMainAttributes().putValue("Plugin-Provider", "a Bonsai user");
        if (pluginClass != null) {
            manifest.getMainAttributes().putValue("Plugin-Class", pluginClass);
        }
        Path jar = Files.createDirectories(work.resolve("plugins")).resolve(pluginId + "-1.0.0.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out, manifest);
                Stream<Path> compiled = Files.walk(classes)) {
            for (Path c : (Iterable<Path>) compiled.filter(Files::isRegularFile)::iterator) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(c).toString().replace(File.separatorChar, '/')));
                jarOut.write(Files.readAllBytes(c));
            }
            jarOut.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            jarOut.write((String.join("\n", extensions) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
