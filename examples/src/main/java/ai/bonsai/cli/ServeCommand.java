package ai.bonsai.cli;

import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.serve.PruningService;
import ai.bonsai.serve.ServiceConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai serve}: runs the HTTP pruning service ({@link PruningService}) until the process
 * is stopped.
 */
@Command(
        name = "serve",
        header = "Run the HTTP pruning service (docs/serve.md).",
        description = "POST /v1/jobs with a model and a plan, poll GET /v1/jobs/{id}, fetch"
                + " GET /v1/jobs/{id}/model, DELETE to cancel. Binds to 127.0.0.1 unless --host"
                + " says otherwise; stops on Ctrl-C.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}, local clients only).")
    private String host;

    @Option(names = "--port", defaultValue = "8080",
            description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--token", defaultValue = "${env:BONSAI_TOKEN}", paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' (default: $BONSAI_TOKEN; none"
                    + " if unset).")
    private String token;

    @Option(names = "--max-upload-mb", defaultValue = "64", paramLabel = "MB",
            description = "Largest request body accepted (default: ${DEFAULT-VALUE} MiB).")
    private long maxUploadMb;

    @Option(names = "--queue", defaultValue = "16",
            description = "Jobs that may wait for a worker; more get 429 (default: ${DEFAULT-VALUE}).")
    private int queue;

    @Option(names = "--workers", defaultValue = "2",
            description = "Jobs pruned at once (default: ${DEFAULT-VALUE}).")
    private int workers;

    @Option(names = "--jobs-dir", paramLabel = "DIR",
            description = "Where jobs keep their files (default: a new temporary folder).")
    private Path jobsDir;

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public ServeCommand() {
    }

    /**
     * Serves until the process is stopped.
     *
     * @return 0
     * @throws IOException if the jobs folder cannot be created
     * @throws InterruptedException if the serving thread is interrupted
     */
    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = jobsDir != null ? jobsDir : Files.createTempDirectory("bonsai-jobs");
        ServiceConfig config = new ServiceConfig(host, port, Optional.ofNullable(token)
                .filter(t -> !t.isBlank()), maxUploadMb * 1024 * 1024, queue, workers, dir);
        CountDownLatch stopped = new CountDownLatch(1);
        try (PluginHost plugins = PluginHosts.open(spec);
                Bonsai bonsai = Bonsai.builder().optPluginHost(plugins).optThreads(workers).build()) {
            PruningService service = new PruningService(bonsai, config);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                service.close();
                stopped.countDown();
            }));
            out.printf("serving on http://%s:%d/v1/jobs (jobs in %s%s)%n", host, service.port(),
                    dir, config.token().isPresent() ? ", bearer token required" : "");
            out.flush();
            stopped.await();
        }
        return 0;
    }
}
