package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.core.testing.HeadlessChromium;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code bin/bonsai} launcher as a subprocess: plugin folders and load failures,
 * exit codes, libtorch's NNPACK lines, progress bars on a terminal, the HTML report, and text
 * prompts through the tokenizers library the distribution ships in lib/.
 */
@Tag("launcher")
class LauncherTest {

    private static final String DIST_PLUGINS = "bonsai-diffusion bonsai-llm bonsai-onnx"
            + " bonsai-vision bonsai-yolo";

    @TempDir
    Path tmp;

    private Path fixtures;

    @BeforeEach
    void copyFixtures() throws IOException {
        fixtures = Files.createDirectories(tmp.resolve("fixtures"));
        for (String name : List.of("tiny_resnet.onnx", "tiny_resnet.input.safetensors")) {
            try (var in = LauncherTest.class.getResourceAsStream("/fixtures/" + name)) {
                Files.copy(in, fixtures.resolve(name));
            }
        }
    }

    /** Writes a PF4J plugin jar with a manifest and no extensions. */
    private static Path pluginJar(Path dir, String id, String version, String provider)
            throws IOException {
        return pluginJar(dir, id, version, provider, null);
    }

    /** Writes a PF4J plugin jar whose extension index lists a class it does not contain. */
    private static Path pluginJar(Path dir, String id, String version, String provider,
            String missingExtension) throws IOException {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", id);
        a.putValue("Plugin-Version", version);
        a.putValue("Plugin-Provider", provider);
        Path jar = Files.createDirectories(dir).resolve(id + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new ZipEntry("readme.txt"));
            out.write("a plugin without extensions".getBytes());
            out.closeEntry();
            if (missingExtension != null) {
                out.putNextEntry(new ZipEntry("META-INF/extensions.idx"));
                out.write((missingExtension + "\n").getBytes());
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Path brokenJar(Path dir) throws IOException {
        Path jar = Files.createDirectories(dir).resolve("broken.jar");
        try (OutputStream out = Files.newOutputStream(jar)) {
            out.write("this is not a zip file".getBytes());
        }
        return jar;
    }

    @Test
    void pluginsListsEveryPluginAndExtensionAndNamesABrokenJarNextToGoodOnes() throws Exception {
        Path extra = tmp.resolve("extra");
        Path good = pluginJar(extra, "acme-layers", "1.2.3", "Acme Inc.");
        pluginJar(extra, "acme-half", "0.9.0", "Acme Inc.", "com.acme.half.MissingCodec");
        brokenJar(extra);

        Launcher.Result r = Launcher.run(tmp, Map.of(), "plugins", "--plugins", extra.toString());

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
        for (String id : DIST_PLUGINS.split(" ")) {
            assertThat(r.stdout()).containsPattern("(?m)^  " + id + " +\\S+ +.+" + id.substring(7)
                    + "\\S*\\.jar$");
        }
        assertThat(r.stdout()).containsPattern("(?m)^  acme-layers +1\\.2\\.3 +Acme Inc\\. +"
                + Pattern.quote(good.toString()) + "$");
        assertThat(r.stdout()).contains("op types:", "importance criteria:", "pruners:",
                "regularizers:", "model formats:", "model adapters:");
        assertThat(r.stdout()).containsPattern("(?m)^  conv2d +classpath$")
                .containsPattern("(?m)^  onnx_opaque +plugin bonsai-onnx$")
                .containsPattern("(?m)^  taylor +classpath$")
                .containsPattern("(?m)^  onnx +plugin bonsai-onnx$")
                .containsPattern("(?m)^  torchvision +plugin bonsai-vision$");
        assertThat(r.stdout()).containsPattern("(?m)^  acme-half +0\\.9\\.0 ")
                .containsPattern("(?m)^  com\\.acme\\.half\\.MissingCodec +plugin acme-half$");
        assertThat(r.stdout()).containsPattern("(?m)^failed to load:$")
                .containsPattern("(?m)^  broken\\.jar: no plugin descriptor .*zip END header not found$")
                .containsPattern("(?m)^  acme-half\\.jar: extension class 'com\\.acme\\.half"
                        + "\\.MissingCodec' cannot be loaded: java\\.lang\\.ClassNotFoundException");
        assertThat(r.stderr()).as("failures are reported once, without PF4J's stack traces")
                .doesNotContain("\tat ");
    }

    @Test
    void bonsaiPluginsAddsEveryFolderOfItsList() throws Exception {
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        pluginJar(one, "acme-one", "1.0.0", "Acme");
        pluginJar(two, "acme-two", "2.0.0", "Acme");

        Launcher.Result r = Launcher.run(tmp, Map.of("BONSAI_PLUGINS",
                one + java.io.File.pathSeparator + two), "plugins");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).containsPattern("(?m)^  acme-one +1\\.0\\.0 ")
                .containsPattern("(?m)^  acme-two +2\\.0\\.0 ")
                .contains("  bonsai-onnx ").doesNotContain("failed to load");
    }

    @Test
    void otherCommandsReportABrokenJarOnStderrAndCarryOn() throws Exception {
        Path extra = tmp.resolve("extra");
        brokenJar(extra);

        Launcher.Result r = Launcher.run(tmp, Map.of(), "inspect",
                fixtures.resolve("tiny_resnet.onnx").toString(), "--plugins", extra.toString());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).startsWith("bonsai: plugin 'broken.jar' not loaded: ");
        assertThat(r.stdout()).contains("params   16,426");
    }

    @Test
    void generateEncodesATextPromptWithTheFoldersTokenizer() throws Exception {
        Path llama = FixtureFolders.tinyLlama(tmp);
        FixtureFolders.addTokenizer(llama);
        Path ids = Files.writeString(tmp.resolve("prompt.txt"), "1 77 88 91 56 99 103 110\n");

        Launcher.Result text = Launcher.run(tmp, Map.of(), "generate", llama.toString(),
                "--prompt", "dog ran to a big red house", "-n", "3");
        Launcher.Result given = Launcher.run(tmp, Map.of(), "generate", llama.toString(),
                "--ids", ids.toString(), "-n", "3");

        assertThat(text.exitCode()).as(text.stderr()).isZero();
        assertThat(given.exitCode()).as(given.stderr()).isZero();
        assertThat(text.stdout()).contains("prompt    1 77 88 91 56 99 103 110").contains("text      ");
        String generated = given.stdout().lines().filter(l -> l.startsWith("generated "))
                .findFirst().orElseThrow();
        assertThat(text.stdout()).contains(generated);
    }

    @Test
    void exitCodesAreZeroOneAndTwo() throws Exception {
        String model = fixtures.resolve("tiny_resnet.onnx").toString();
        Path out = tmp.resolve("pruned.onnx");

        Launcher.Result unknownOption = Launcher.run(tmp, Map.of(), "prune", model, "--out",
                out.toString(), "--no-such");
        assertThat(unknownOption.exitCode()).isEqualTo(2);
        assertThat(unknownOption.stderr()).contains("Unknown option: '--no-such'");

        Launcher.Result badRatio = Launcher.run(tmp, Map.of(), "prune", model, "--ratio", "1.5",
                "--out", out.toString());
        assertThat(badRatio.exitCode()).as(badRatio.stderr()).isEqualTo(2);
        assertThat(badRatio.stderr()).startsWith("bonsai: ").contains("ratio");

        Launcher.Result missing = Launcher.run(tmp, Map.of(), "prune",
                tmp.resolve("missing.onnx").toString(), "--out", out.toString());
        assertThat(missing.exitCode()).as("a plan error: model.path").isEqualTo(2);
        assertThat(missing.stderr()).contains("missing.onnx");
        assertThat(out).doesNotExist();

        Path broken = Files.write(tmp.resolve("broken.onnx"), new byte[] {1, 2, 3, 4, 5});
        Launcher.Result failed = Launcher.run(tmp, Map.of(), "prune", broken.toString(), "--out",
                out.toString());
        assertThat(failed.exitCode()).as(failed.stderr()).isEqualTo(1);
        assertThat(failed.stderr()).startsWith("bonsai: ").contains("broken.onnx");
        assertThat(out).doesNotExist();

        Launcher.Result ok = Launcher.run(tmp, Map.of(), "prune", model, "--out", out.toString());
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
        assertThat(out).exists();
    }

    @Test
    void demoPrintsNoLibtorchWarningLines() throws Exception {
        Launcher.Result r = Launcher.run(tmp, Map.of(), "demo", "--runs", "1");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("params   11689512 -> 3055880");
        assertThat(r.stdout() + r.stderr()).doesNotContain("NNPACK")
                .doesNotContainPattern("(?m)^\\[W");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void theLauncherDropsExactlyTheNnpackLinesAndKeepsTheExitStatus() throws Exception {
        Path fakeJava = tmp.resolve("fake-java");
        Files.writeString(fakeJava, "#!/usr/bin/env bash\n"
                + "printf '[W1202 01:09:46.123 42 NNPACK.cpp:64] Could not initialize NNPACK!"
                + " Reason: Unsupported hardware.\\n' >&2\n"
                + "echo 'stdout line'\n"
                + "printf 'kept line\\n' >&2\n"
                + "printf '[W NNPACK.cpp:53] Could not initialize NNPACK! Reason: Unsupported"
                + " hardware.\\n' >&2\n"
                + "printf 'bar 1%%\\rbar 2%%\\r' >&2\n"
                + "printf '[W other.cpp:1] another warning\\n' >&2\n"
                + "exit 3\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));

        Launcher.Result r = Launcher.run(tmp, Map.of("JAVA", fakeJava.toString()), "demo");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("stdout line\n");
        assertThat(r.stderr()).isEqualTo("kept line\nbar 1%\rbar 2%\r[W other.cpp:1] another warning\n");
    }

    @Test
    void progressBarsShowOnATerminalOnlyWithoutQuiet() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
                "util-linux 'script' (a pseudo-terminal) is not installed");
        String prune = Launcher.path().toAbsolutePath() + " prune "
                + fixtures.resolve("tiny_resnet.onnx") + " --steps 3 --out " + tmp.resolve("p.onnx");

        Launcher.Result shown = Launcher.exec(tmp, Map.of(),
                List.of("/usr/bin/script", "-qec", prune, "/dev/null"));
        Launcher.Result quiet = Launcher.exec(tmp, Map.of(),
                List.of("/usr/bin/script", "-qec", prune + " --quiet", "/dev/null"));

        assertThat(shown.exitCode()).as(shown.stdout()).isZero();
        assertThat(shown.stdout()).contains("step 3/3").containsPattern("prune +\\d+% ");
        assertThat(quiet.exitCode()).as(quiet.stdout()).isZero();
        assertThat(quiet.stdout()).contains("step 3/3").doesNotContainPattern("prune +\\d+% ");
    }

    @Test
    void pruneWritesAReportThatRendersInChromium() throws Exception {
        Path report = tmp.resolve("report.html");

        Launcher.Result r = Launcher.run(tmp, Map.of(), "prune",
                fixtures.resolve("tiny_resnet.onnx").toString(), "--out",
                tmp.resolve("p.onnx").toString(), "--report", report.toString());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String dom = HeadlessChromium.require().dumpDom(report, tmp);
        assertThat(dom).contains("<svg id=\"chart-widths\"", "<svg id=\"chart-macs\"",
                "<td class=\"n\">16,426</td><td class=\"n\">4,634</td>");
    }
}
