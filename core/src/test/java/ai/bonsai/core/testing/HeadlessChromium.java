package ai.bonsai.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code chromium} in headless mode, offline, for tests that render a page: the DOM
 * after rendering ({@code --dump-dom}) and a screenshot. Each call starts a fresh browser with
 * a fresh profile and the flags that keep it from reaching any outside host. {@code .ci/run}
 * installs the browser; a test calls {@link #require()}, which skips it with a printed reason
 * where the browser is missing.
 */
public final class HeadlessChromium {

    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox",
            "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync");
    private static final long TIMEOUT_SECONDS = 120;

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /**
     * Finds the browser on the {@code PATH}.
     *
     * @return the browser, if installed
     */
    public static Optional<HeadlessChromium> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(new HeadlessChromium(candidate));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the browser, or skips the calling test with a printed reason where it is missing.
     *
     * @return the browser
     */
    public static HeadlessChromium require() {
        Optional<HeadlessChromium> found = find();
        if (found.isEmpty()) {
            String reason = "chromium is not installed (apt-get install -y chromium; .ci/run"
                    + " installs it): skipping the browser check";
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        return found.get();
    }

    /**
     * Renders a local page and returns the DOM as the browser serializes it.
     *
     * @param page the HTML file
     * @param work a folder for the browser's profile
     * @return the rendered DOM
     * @throws IOException if the browser fails or times out
     */
    public String dumpDom(Path page, Path work) throws IOException {
        Path out = Files.createTempFile(work, "dom", ".html");
        run(work, out, List.of("--dump-dom", page.toUri().toString()));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /**
     * Renders a local page into a PNG screenshot of the given window size.
     *
     * @param page the HTML file
     * @param png the screenshot to write
     * @param width window width in pixels
     * @param height window height in pixels
     * @param work a folder for the browser's profile
     * @throws IOException if the browser fails, times out or writes no screenshot
     */
    public void screenshot(Path page, Path png, int width, int height, Path work)
            throws IOException {
        run(work, null, List.of("--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), page.toUri().toString()));
        if (!Files.isRegularFile(png)) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private void run(Path work, Path stdout, List<String> args) throws IOException {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        Path log = Files.createTempFile(work, "chromium", ".log");
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(FLAGS);
        command.add("--user-data-dir=" + profile);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectError(log.toFile())
                .redirectOutput(stdout == null ? ProcessBuilder.Redirect.appendTo(log.toFile())
                        : ProcessBuilder.Redirect.to(stdout.toFile()));
        Process p = pb.start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while chromium ran", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("chromium exited with " + p.exitValue() + ": "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }
}
