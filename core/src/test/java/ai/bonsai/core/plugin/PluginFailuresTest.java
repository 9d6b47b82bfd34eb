package ai.bonsai.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.plugin.PluginException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes.Name;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin folders: several roots, plugin descriptions, extension indexes, and jars that fail
 * without hiding others.
 */
class PluginFailuresTest {

    @TempDir
    Path tmp;

    private static Path jar(Path dir, String file, String id, String version) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Name.MANIFEST_VERSION, "1.0");
        if (id != null) {
            manifest.getMainAttributes().putValue("Plugin-Id", id);
            manifest.getMainAttributes().putValue("Plugin-Version", version);
            manifest.getMainAttributes().putValue("Plugin-Provider", "Acme");
        }
        Path path = Files.createDirectories(dir).resolve(file);
        try (OutputStream out = Files.newOutputStream(path);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            jar.write("com.acme.layers.AcmeCodec\n".getBytes(StandardCharsets.UTF_8));
        }
        return path;
    }

    @Test
    void aBrokenJarIsNamedWithItsReasonAndTheOthersLoad() throws IOException {
        Path main = Files.createDirectories(tmp.resolve("main"));
        Path extra = tmp.resolve("extra");
        Path good = jar(main, "good-1.0.jar", "acme-good", "1.0.0");
        Path other = jar(extra, "other.jar", "acme-other", "2.1.0");
        Path broken = Files.writeString(main.resolve("broken.jar"), "not a zip");
        Path nameless = jar(extra, "nameless.jar", null, null);

        try (PluginHost host = PluginHost.builder().optPluginsDir(main).addPluginsDir(extra).build()) {
            assertThat(host.plugins()).containsExactly(
                    new PluginInfo("acme-good", "1.0.0", "Acme", good),
                    new PluginInfo("acme-other", "2.1.0", "Acme", other));
            assertThat(host.failures()).extracting(PluginFailure::path)
                    .containsExactlyInAnyOrder(broken, nameless, good, other);
            assertThat(host.failures()).filteredOn(f -> f.path().equals(good))
                    .extracting(PluginFailure::reason).containsExactly("extension class"
                            + " 'com.acme.layers.AcmeCodec' cannot be loaded:"
                            + " java.lang.ClassNotFoundException: com.acme.layers.AcmeCodec");
            PluginFailure brokenFailure = host.failures().stream()
                    .filter(f -> f.path().equals(broken)).findFirst().orElseThrow();
            assertThat(brokenFailure.reason()).contains("no plugin descriptor")
                    .contains("Cannot read manifest").contains("zip END header not found");
            assertThat(host.opTypes().names()).contains("conv2d");
            assertThat(host.extensionClassNames("acme-good"))
                    .containsExactly("com.acme.layers.AcmeCodec");
            assertThat(host.extensionClassNames("no-such-plugin")).isEmpty();
        }
    }

    @Test
    void aMissingExtraFolderIsNamed() throws IOException {
        Path main = Files.createDirectories(tmp.resolve("main"));
        Path missing = tmp.resolve("missing");

        assertThatThrownBy(() -> PluginHost.builder().optPluginsDir(main).addPluginsDir(missing).build())
                .isInstanceOf(PluginException.class)
                .hasMessage("plugins folder '" + missing + "' does not exist");
    }
}
