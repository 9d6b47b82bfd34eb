package ai.bonsai.serve;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.cli.CliRunner;
import ai.bonsai.cli.TestPlugins;
import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.embed.BonsaiModel;
import ai.bonsai.core.embed.Cancellation;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.plan.PlanBinder;
import ai.bonsai.core.plan.PlanTree;
import ai.bonsai.core.testing.Resources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pruning service driven by the JDK's HTTP client on localhost: concurrent jobs give the
 * command line's figures and bytes; oversized uploads, bad plans, a full queue and missing
 * tokens are refused with 413, 400, 429 and 401; cancelled jobs leave no files.
 */
class PruningServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAN = "{\"importance\": \"l2\", \"pruner\": {\"ratio\": 0.5}}";

    @TempDir
    static Path tmp;

    private static Path plugins;
    private static Bonsai bonsai;
    private static String modelBase64;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void start() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPlugins.copyInto(plugins);
        bonsai = Bonsai.builder().optPluginsDir(plugins).build();
        modelBase64 = Base64.getEncoder().encodeToString(
                Files.readAllBytes(Resources.path("fixtures/tiny_resnet.onnx")));
    }

    @AfterAll
    static void stop() {
        bonsai.close();
    }

    private static ServiceConfig config(Path jobs, Optional<String> token, long maxUpload, int queue,
            int workers) {
        return new ServiceConfig("127.0.0.1", 0, token, maxUpload, queue, workers, jobs);
    }

    private static String job(String plan) {
        return "{\"model\": {\"name\": \"tiny_resnet.onnx\", \"base64\": \"" + modelBase64 + "\"},"
                + " \"plan\": " + plan + "}";
    }

    private HttpResponse<String> post(PruningService s, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, "")).POST(
                HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(PruningService s, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(PruningService s, String path)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(s, path)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(PruningService s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + "/v1/jobs" + path);
    }

    private JsonNode awaitFinal(PruningService s, String id, String... headers) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode job = JSON.readTree(get(s, "/" + id, headers).body());
            if (List.of("done", "failed", "cancelled").contains(job.get("state").asText())) {
                return job;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not finish");
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).map(Path::toString).toList();
        }
    }

    @Test
    void sixteenConcurrentJobsCompleteWithTheCommandLinesFiguresAndBytes() throws Exception {
        Path cliModel = tmp.resolve("cli.onnx");
        Path cliJson = tmp.resolve("cli.json");
        System.setProperty("bonsai.plugins.dir", plugins.toString());
        CliRunner runner = new CliRunner();
        try {
            assertThat(runner.run("prune", Resources.path("fixtures/tiny_resnet.onnx").toString(),
                    "--importance", "l2", "--ratio", "0.5", "--out", cliModel.toString(),
                    "--json", cliJson.toString())).as(runner.err()).isZero();
        } finally {
            System.clearProperty("bonsai.plugins.dir");
        }
        JsonNode cli = JSON.readTree(cliJson.toFile());
        Path jobs = tmp.resolve("jobs16");

        try (PruningService service = new PruningService(bonsai,
                config(jobs, Optional.empty(), 1 << 20, 16, 4))) {
            List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                posts.add(http.sendAsync(HttpRequest.newBuilder(uri(service, ""))
                        .POST(HttpRequest.BodyPublishers.ofString(job(PLAN))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> post : posts) {
                HttpResponse<String> accepted = post.get();
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                String id = JSON.readTree(accepted.body()).get("id").asText();
                JsonNode done = awaitFinal(service, id);
                assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("done");
                for (String f : List.of("params_before", "params_after", "macs_before",
                        "macs_after", "kept_out_channels")) {
                    assertThat(done.at("/figures/" + f)).as(f).isEqualTo(cli.get(f));
                }
                HttpResponse<byte[]> model = http.send(HttpRequest.newBuilder(
                        uri(service, "/" + id + "/model")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(model.statusCode()).isEqualTo(200);
                assertThat(model.body()).isEqualTo(Files.readAllBytes(cliModel));
                HttpResponse<String> report = get(service, "/" + id + "/report");
                assertThat(report.statusCode()).isEqualTo(200);
                assertThat(report.headers().firstValue("Content-Type")).hasValue(
                        "text/html; charset=utf-8");
                assertThat(report.body()).contains("<table", "<svg",
                        String.format(Locale.ROOT, "%,d", cli.get("params_after").asLong()));
            }
        }
    }

    @Test
    void aTaylorJobTakesItsCalibrationDataAlongAndMatchesTorchPruning() throws Exception {
        String calibration = Base64.getEncoder().encodeToString(Files.readAllBytes(
                Resources.path("fixtures/tiny_resnet.input.safetensors")));
        String body = "{\"model\": {\"name\": \"tiny_resnet.onnx\", \"base64\": \"" + modelBase64
                + "\"}, \"plan\": \"importance: taylor\\npruner: {ratio: 0.5}\","
                + " \"calibration\": [{\"name\": \"input.safetensors\", \"base64\": \""
                + calibration + "\"}]}";
        JsonNode ref = Resources.json("reference/tiny_resnet__taylor_local50.json");
        try (PruningService service = new PruningService(bonsai,
                config(tmp.resolve("jobsTaylor"), Optional.empty(), 1 << 20, 4, 1))) {
            HttpResponse<String> accepted = post(service, body);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            JsonNode done = awaitFinal(service, JSON.readTree(accepted.body()).get("id").asText());

            assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("done");
            for (String f : List.of("params_before", "params_after", "macs_before", "macs_after")) {
                assertThat(done.at("/figures/" + f).asLong()).as(f).isEqualTo(ref.get(f).asLong());
            }
            assertThat(files(tmp.resolve("jobsTaylor"))).as("the model and its report").hasSize(2);
        }
    }

    @Test
    void anOversizedUploadGets413() throws Exception {
        try (PruningService service = new PruningService(bonsai,
                config(tmp.resolve("jobs413"), Optional.empty(), 10_000, 4, 1))) {
            HttpResponse<String> r = post(service, job(PLAN));
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains("upload limit");
            assertThat(files(tmp.resolve("jobs413"))).isEmpty();
        }
    }

    @Test
    void aBadPlanGets400NamingTheField() throws Exception {
        try (PruningService service = new PruningService(bonsai,
                config(tmp.resolve("jobs400"), Optional.empty(), 1 << 20, 4, 1))) {
            HttpResponse<String> r = post(service, job("{\"pruner\": {\"ratio\": 1.5}}"));
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body());
            assertThat(error.get("field").asText()).isEqualTo("pruner.ratio");
            assertThat(error.get("error").asText()).contains("must be in [0, 1), found 1.5");

            r = post(service, job("\"importance: {name: nope}\""));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText())
                    .startsWith("plan:1:20: importance.name: unknown importance 'nope'");
            assertThat(files(tmp.resolve("jobs400"))).isEmpty();
        }
    }

    @Test
    void aMissingOrWrongTokenGets401() throws Exception {
        try (PruningService service = new PruningService(bonsai,
                config(tmp.resolve("jobs401"), Optional.of("s3cret"), 1 << 20, 4, 1))) {
            assertThat(post(service, job(PLAN)).statusCode()).isEqualTo(401);
            assertThat(post(service, job(PLAN), "Authorization", "Bearer nope").statusCode())
                    .isEqualTo(401);
            assertThat(get(service, "/anything").statusCode()).isEqualTo(401);
            HttpResponse<String> ok = post(service, job(PLAN), "Authorization", "Bearer s3cret");
            assertThat(ok.statusCode()).isEqualTo(202);
            String id = JSON.readTree(ok.body()).get("id").asText();
            assertThat(awaitFinal(service, id, "Authorization", "Bearer s3cret").get("state")
                    .asText()).isEqualTo("done");
        }
    }

    @Test
    void aFullQueueGets429AndCancelledJobsLeaveNothing() throws Exception {
        Path jobs = tmp.resolve("jobs429");
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Bonsai single = Bonsai.builder().optPluginsDir(plugins).optThreads(1).build();
                PruningService service = new PruningService(single,
                        config(jobs, Optional.empty(), 1 << 20, 1, 1))) {
            Thread blocker = new Thread(() -> {
                try (BonsaiModel m = single.load(Resources.path("fixtures/tiny_resnet.onnx"));
                        PruningResult r = single.prune(m, PlanBinder.bind(PlanTree.parse(
                                "pruner: {ratio: 0.5}", "p", tmp, true)), p -> {
                                    holding.countDown();
                                    awaitQuietly(release);
                                }, new Cancellation())) {
                    assertThat(r.after().params()).isPositive();
                }
            });
            blocker.start();
            holding.await();

            HttpResponse<String> running = post(service, job(PLAN));
            HttpResponse<String> queued = post(service, job(PLAN));
            HttpResponse<String> refused = post(service, job(PLAN));

            assertThat(running.statusCode()).isEqualTo(202);
            assertThat(queued.statusCode()).isEqualTo(202);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("queue is full");
            String runningId = JSON.readTree(running.body()).get("id").asText();
            String queuedId = JSON.readTree(queued.body()).get("id").asText();
            assertThat(delete(service, "/" + queuedId).body()).contains("\"cancelled\"");
            assertThat(delete(service, "/" + runningId).body()).contains("\"cancelled\"");
            release.countDown();
            blocker.join();

            assertThat(awaitFinal(service, runningId).get("state").asText()).isEqualTo("cancelled");
            assertThat(get(service, "/" + runningId + "/model").statusCode()).isEqualTo(409);
            for (int i = 0; i < 100 && !files(jobs).isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertThat(files(jobs)).isEmpty();
            assertThat(single.openModels()).isZero();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aDeletedFinishedJobIsGone() throws Exception {
        Path jobs = tmp.resolve("jobsDeleted");
        try (PruningService service = new PruningService(bonsai,
                config(jobs, Optional.empty(), 1 << 20, 4, 1))) {
            String id = JSON.readTree(post(service, job(PLAN)).body()).get("id").asText();
            assertThat(awaitFinal(service, id).get("state").asText()).isEqualTo("done");
            assertThat(files(jobs)).as("the model and its report").hasSize(2);

            assertThat(JSON.readTree(delete(service, "/" + id).body()).get("state").asText())
                    .isEqualTo("deleted");
            assertThat(get(service, "/" + id).statusCode()).isEqualTo(404);
            assertThat(files(jobs)).isEmpty();
        }
    }
}
