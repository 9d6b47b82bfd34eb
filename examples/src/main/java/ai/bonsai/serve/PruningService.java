package ai.bonsai.serve;

import ai.bonsai.api.BonsaiException;
import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.embed.BonsaiModel;
import ai.bonsai.core.embed.CancelledException;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.report.PruningReport;
import ai.bonsai.core.report.ReportPage;
import ai.bonsai.core.plan.PlanBinder;
import ai.bonsai.core.plan.PlanException;
import ai.bonsai.core.plan.PlanTree;
import ai.bonsai.core.plan.PruningPlan;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The pruning service: an HTTP API over one {@link Bonsai}, on the JDK's HTTP server.
 *
 * <ul>
 *   <li>{@code POST /v1/jobs}: a JSON body {@code {"model": {"name": "net.onnx", "base64":
 *       ...}, "plan": {...} | "YAML text", "calibration": [{"name": ..., "base64": ...}]}};
 *       answers 202 with the job, 400 for a bad plan or body, 413 for a body over the upload
 *       limit, 429 when the queue is full.
 *   <li>{@code GET /v1/jobs/{id}}: state, progress and, once done, the figures.
 *   <li>{@code GET /v1/jobs/{id}/model}: the pruned model (409 until done).
 *   <li>{@code GET /v1/jobs/{id}/report}: the job's HTML report (the same page as {@code bonsai
 *       prune --report}).
 *   <li>{@code DELETE /v1/jobs/{id}}: cancels a queued or running job, or removes a finished one;
 *       its files are deleted.
 * </ul>
 *
 * <p>With a token, every request needs {@code Authorization: Bearer TOKEN} (else 401). Errors
 * are JSON: {@code {"error": "...", "field": "pruner.ratio"}}. See {@code docs/serve.md}.
 */
public final class PruningService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOBS = "/v1/jobs";

    private final Bonsai bonsai;
    private final ServiceConfig config;
    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ExecutorService requests;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Binds the server and starts it.
     *
     * @param bonsai the embedding facade the jobs run on (not closed by the service)
     * @param config the settings
     * @throws UncheckedIOException if the address cannot be bound or the jobs folder created
     */
    public PruningService(Bonsai bonsai, ServiceConfig config) {
        this.bonsai = bonsai;
        this.config = config;
        BlockingQueue<Runnable> queue = config.queue() == 0 ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(config.queue());
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 0,
                TimeUnit.MILLISECONDS, queue);
        this.requests = Executors.newFixedThreadPool(4);
        try {
            Files.createDirectories(config.jobsDir());
            this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve on " + config.host() + ":" + config.port(), e);
        }
        server.createContext(JOBS, this::handle);
        server.setExecutor(requests);
        server.start();
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting requests, cancels the jobs, waits for the workers and deletes the jobs' files. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.stop(0);
        jobs.values().forEach(Job::cancel);
        workers.shutdownNow();
        requests.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.values().forEach(j -> deleteTree(j.dir()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                authorize(exchange);
                route(exchange);
            } catch (HttpError e) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", e.getMessage());
                if (e.field() != null) {
                    body.put("field", e.field());
                }
                if (e.status() == 401) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                }
                discardBody(exchange);
                send(exchange, e.status(), body);
            }
        }
    }

    /**
     * Reads what is left of a refused request's body (up to the upload limit), so that the client,
     * which may still be sending it, reads the error response instead of a reset connection.
     */
    private void discardBody(HttpExchange exchange) {
        byte[] buffer = new byte[64 * 1024];
        long left = config.maxUploadBytes();
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; left > 0 && (n = in.read(buffer)) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client stopped sending: nothing left to read
        }
    }

    private void authorize(HttpExchange exchange) {
        if (config.token().isEmpty()) {
            return;
        }
        String given = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
                .orElse("");
        byte[] expected = ("Bearer " + config.token().get()).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, "Authorization", given.isEmpty()
                    ? "a bearer token is required" : "the bearer token is wrong");
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String[] parts = exchange.getRequestURI().getPath().substring(JOBS.length()).split("/");
        if (parts.length <= 1) {
            if (!method.equals("POST")) {
                throw new HttpError(405, null, "use POST " + JOBS);
            }
            send(exchange, 202, submit(readBody(exchange)).toJson());
            return;
        }
        Job job = jobs.get(parts[1]);
        if (job == null) {
            throw new HttpError(404, null, "no job '" + parts[1] + "'");
        }
        String tail = parts.length > 2 ? parts[2] : "";
        if (method.equals("DELETE") && tail.isEmpty()) {
            send(exchange, 200, delete(job));
        } else if (method.equals("GET") && tail.isEmpty()) {
            send(exchange, 200, job.toJson());
        } else if (method.equals("GET") && tail.equals("model")) {
            sendModel(exchange, job);
        } else if (method.equals("GET") && tail.equals("report")) {
            sendFile(exchange, job, report(job), "text/html; charset=utf-8");
        } else {
            throw new HttpError(405, null, method + " is not supported on "
                    + exchange.getRequestURI().getPath());
        }
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && Long.parseLong(length) > config.maxUploadBytes()) {
            throw tooLarge();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                body.write(buffer, 0, n);
                if (body.size() > config.maxUploadBytes()) {
                    throw tooLarge();
                }
            }
        }
        return body.toByteArray();
    }

    private HttpError tooLarge() {
        return new HttpError(413, "body", "the request body is larger than the upload limit of "
                + config.maxUploadBytes() + " bytes");
    }

    private Job submit(byte[] body) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            throw new HttpError(400, "body", "not JSON: " + e.getMessage());
        }
        if (request == null || !request.isObject()) {
            throw new HttpError(400, "body", "must be a JSON object with model and plan");
        }
        String id = UUID.randomUUID().toString();
        Path dir = config.jobsDir().resolve(id);
        try {
            Files.createDirectories(dir);
            Job job = prepare(id, dir, request);
            jobs.put(id, job);
            try {
                job.submitted(workers.submit(() -> run(job)));
            } catch (RejectedExecutionException e) {
                jobs.remove(id);
                throw new HttpError(429, null, "the job queue is full (" + config.queue()
                        + " waiting, " + config.workers() + " running); retry later");
            }
            return job;
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private Job prepare(String id, Path dir, JsonNode request) throws IOException {
        Path model = upload(dir, request.get("model"), "model");
        PlanTree tree = planTree(request.get("plan"), dir);
        tree.set("model", new LinkedHashMap<>(Map.of("path", model.toString())), "model");
        JsonNode calibration = request.path("calibration");
        if (!calibration.isMissingNode()) {
            if (!calibration.isArray()) {
                throw new HttpError(400, "calibration", "must be a list of {name, base64}");
            }
            List<Object> files = new ArrayList<>();
            for (int i = 0; i < calibration.size(); i++) {
                files.add(upload(dir, calibration.get(i), "calibration[" + i + "]").toString());
            }
            tree.set("calibration", files, "calibration");
        }
        Path output = Files.createDirectories(dir.resolve("output")).resolve(model.getFileName());
        tree.set("outputs", new LinkedHashMap<>(Map.of("model", output.toString())), "outputs");
        PruningPlan plan;
        try {
            plan = PlanBinder.bind(tree);
            bonsai.validate(plan);
        } catch (PlanException e) {
            throw new HttpError(400, e.field(), e.getMessage());
        }
        return new Job(id, dir, model, output, plan);
    }

    private static PlanTree planTree(JsonNode plan, Path dir) throws JsonProcessingException {
        if (plan == null || plan.isNull()) {
            throw new HttpError(400, "plan", "required: a plan object or YAML text");
        }
        try {
            if (plan.isTextual()) {
                return PlanTree.parse(plan.asText(), "plan", dir, true);
            }
            if (plan.isObject()) {
                return PlanTree.parse(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan),
                        "plan", dir, false);
            }
        } catch (PlanException e) {
            throw new HttpError(400, e.field(), e.getMessage());
        }
        throw new HttpError(400, "plan", "must be an object or YAML text");
    }

    private Path upload(Path dir, JsonNode file, String field) throws IOException {
        if (file == null || !file.path("name").isTextual() || !file.path("base64").isTextual()) {
            throw new HttpError(400, field, "must be {\"name\": FILE_NAME, \"base64\": CONTENT}");
        }
        String name = Path.of(file.get("name").asText()).getFileName().toString();
        if (name.isEmpty() || name.startsWith(".") || !name.contains(".")) {
            throw new HttpError(400, field + ".name", "must be a file name with an extension,"
                    + " found '" + name + "'");
        }
        byte[] content;
        try {
            content = Base64.getDecoder().decode(file.get("base64").asText());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, field + ".base64", "not base64: " + e.getMessage());
        }
        Path target = Files.createDirectories(dir.resolve(field.equals("model") ? "input"
                : "calibration" + field.replaceAll("[^0-9]", ""))).resolve(name);
        if (field.equals("model")) {
            try {
                bonsai.host().formatFor(target);
            } catch (BonsaiException e) {
                throw new HttpError(400, "model.name", e.getMessage());
            }
        }
        Files.write(target, content);
        return target;
    }

    private void run(Job job) {
        if (!job.start()) {
            deleteTree(job.dir());
            return;
        }
        try (BonsaiModel model = bonsai.load(job.model());
                PruningResult result = bonsai.prune(model, job.plan(), job::progress,
                        job.cancellation())) {
            bonsai.save(result, job.output(), job.plan().outputs().format());
            ReportPage.write(PruningReport.of(job.model().getFileName().toString(),
                    model.graph(), result), report(job));
            job.done(result);
        } catch (CancelledException e) {
            // the job's state already says cancelled; its folder is removed below
        } catch (RuntimeException e) {
            job.failed(e.getMessage());
        } finally {
            if (job.state() != JobState.DONE) {
                deleteTree(job.dir());
            } else {
                deleteInputs(job);
            }
        }
    }

    private static void deleteInputs(Job job) {
        try (Stream<Path> children = Files.list(job.dir())) {
            children.filter(c -> !c.equals(job.output().getParent()))
                    .forEach(PruningService::deleteTree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + job.dir(), e);
        }
    }

    private Map<String, Object> delete(Job job) {
        JobState before = job.cancel();
        if (before.isFinal()) {
            jobs.remove(job.id());
        }
        if (before != JobState.RUNNING) {
            deleteTree(job.dir());
        }
        Map<String, Object> body = job.toJson();
        body.put("state", before.isFinal() ? "deleted" : JobState.CANCELLED.label());
        return body;
    }

    private static Path report(Job job) {
        return job.output().resolveSibling("report.html");
    }

    private void sendModel(HttpExchange exchange, Job job) throws IOException {
        exchange.getResponseHeaders().add("Content-Disposition",
                "attachment; filename=\"" + job.output().getFileName() + "\"");
        sendFile(exchange, job, job.output(), "application/octet-stream");
    }

    private static void sendFile(HttpExchange exchange, Job job, Path file, String type)
            throws IOException {
        if (job.state() != JobState.DONE) {
            throw new HttpError(409, null, "job " + job.id() + " is " + job.state().label()
                    + "; its files are there once it is done");
        }
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(PruningService::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
