package ai.bonsai.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code bin/bonsai} launcher ({@code target/bonsai}, built at {@code package}), run
 * as a subprocess with one intra-op thread. Tests that use it carry the {@code launcher} tag,
 * which the build runs after packaging.
 */
final class Launcher {

    private static final long TIMEOUT_SECONDS = 600;

    /**
     * What one run printed and returned.
     *
     * @param exitCode the exit status
     * @param stdout standard output
     * @param stderr standard error
     */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Launcher() {
    }

    /**
     * Returns the packaged launcher.
     *
     * @return its path
     * @throws IllegalStateException if it has not been built
     */
    static Path path() {
        Path launcher = Path.of(System.getProperty("bonsai.launcher", "target/bonsai/bin/bonsai"));
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("the launcher " + launcher + " is not built: run the"
                    + " tests with 'mvn verify' (they run after package)");
        }
        return launcher;
    }

    /**
     * Runs {@code bonsai ARGS} in a folder.
     *
     * @param dir the working folder
     * @param env further environment variables
     * @param args the command line after {@code bonsai}
     * @return the result
     * @throws IOException if the process cannot run or times out
     * @throws InterruptedException if interrupted while waiting
     */
    static Result run(Path dir, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(path().toAbsolutePath().toString());
        command.addAll(List.of(args));
        return exec(dir, env, command);
    }

    /**
     * Runs a command line in a folder, reading both streams to their end (standard error may
     * pass through the launcher's filter process, which finishes after the JVM).
     *
     * @param dir the working folder
     * @param env further environment variables
     * @param command the command line
     * @return the result
     * @throws IOException if the process cannot run or times out
     * @throws InterruptedException if interrupted while waiting
     */
    static Result exec(Path dir, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("BONSAI_THREADS", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        try {
            return new Result(p.exitValue(), out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot read the output of " + command, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> new Thread(task, "launcher-output").start());
    }
}
