package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code bin/bonsai} as a user runs it, for the commands built on pruning plans and
 * the embedding API: {@code plan check}, {@code prune --plan}, {@code inspect}, {@code run} and
 * {@code serve} (a real process on a free localhost port, driven by the JDK's HTTP client).
 */
@Tag("launcher")
class LauncherCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVING = Pattern.compile("serving on (http://[^ ]+/v1/jobs)");

    @TempDir
    Path tmp;

    private Path model;

    @BeforeEach
    void copyFixtures() throws IOException {
        for (String name : List.of("tiny_resnet.onnx", "tiny_resnet.input.safetensors")) {
            try (var in = LauncherCommandsTest.class.getResourceAsStream("/fixtures/" + name)) {
                Files.copy(in, tmp.resolve(name));
            }
        }
        model = tmp.resolve("tiny_resnet.onnx");
    }

    @Test
    void planCheckWritesNothingAndPruneWithThePlanWritesTheModelAndSummary() throws Exception {
        Path plan = Files.writeString(tmp.resolve("plan.yaml"), """
                model: {path: tiny_resnet.onnx}
                importance: l2
                pruner: {ratio: 0.5, ignored_layers: [fc]}
                outputs: {model: pruned.onnx, summary: summary.json}
                """);

        Launcher.Result check = Launcher.run(tmp, Map.of(), "plan", "check", plan.toString());
        assertThat(check.exitCode()).as(check.stderr()).isZero();
        assertThat(check.stdout()).containsPattern("4,?634");
        assertThat(tmp.resolve("pruned.onnx")).doesNotExist();

        Launcher.Result prune = Launcher.run(tmp, Map.of(), "prune", "--plan", plan.toString());
        assertThat(prune.exitCode()).as(prune.stderr()).isZero();
        JsonNode summary = JSON.readTree(tmp.resolve("summary.json").toFile());
        // Torch-Pruning 1.6 on tiny_resnet, L2 local 50 %, fc ignored
        assertThat(summary.get("params_after").asLong()).isEqualTo(4634);
        assertThat(summary.get("macs_after").asLong()).isEqualTo(2142858);

        Launcher.Result inspect = Launcher.run(tmp, Map.of(), "inspect",
                tmp.resolve("pruned.onnx").toString());
        assertThat(inspect.exitCode()).as(inspect.stderr()).isZero();
        assertThat(inspect.stdout()).containsPattern("4,?634");

        Launcher.Result run = Launcher.run(tmp, Map.of(), "run", tmp.resolve("pruned.onnx")
                .toString(), "--input", tmp.resolve("tiny_resnet.input.safetensors").toString(),
                "--out", tmp.resolve("out.safetensors").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(Files.size(tmp.resolve("out.safetensors"))).isPositive();
    }

    @Test
    void checkpointFoldersArePrunedIntoFoldersOfTheSameFormat() throws Exception {
        Path llama = FixtureFolders.tinyLlama(tmp);
        Launcher.Result prune = Launcher.run(tmp, Map.of(), "prune", llama.toString(), "--ratio",
                "0.25", "--out", tmp.resolve("llama_pruned").toString());
        assertThat(prune.exitCode()).as(prune.stderr()).isZero();
        JsonNode config = JSON.readTree(tmp.resolve("llama_pruned/config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo("llama");
        assertThat(config.get("intermediate_size").asInt()).isEqualTo(132);
        assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(1);
        assertThat(config.get("hidden_size").asInt()).as("the llm defaults keep hidden = heads x"
                + " head_dim").isEqualTo(config.get("num_attention_heads").asInt() * 8);
        assertThat(prune.stdout()).contains("llm defaults: pruner.name = llm");
        Launcher.Result inspect = Launcher.run(tmp, Map.of(), "inspect",
                tmp.resolve("llama_pruned").toString());
        assertThat(inspect.exitCode()).as(inspect.stderr()).isZero();
        assertThat(inspect.stdout()).contains("llm.rms_norm");

        Path unet = FixtureFolders.copy(Path.of("../plugin-diffusion/src/test/resources/ddpm_unet_micro"),
                tmp.resolve("unet"));
        Launcher.Result pruneUnet = Launcher.run(tmp, Map.of(), "prune", unet.toString(),
                "--ratio", "0.3", "--ignore", "conv_out", "--out", tmp.resolve("unet_pruned")
                        .toString());
        assertThat(pruneUnet.exitCode()).as(pruneUnet.stderr()).isZero();
        assertThat(tmp.resolve("unet_pruned/diffusion_pytorch_model.safetensors")).exists();
        assertThat(JSON.readTree(tmp.resolve("unet_pruned/config.json").toFile())
                .get("_class_name").asText()).isEqualTo("UNet2DModel");
    }

    @Test
    void serveRunsAJobFromAnHttpClientOnLocalhost() throws Exception {
        List<String> command = new ArrayList<>(List.of(Launcher.path().toString(), "serve",
                "--port", "0", "--jobs-dir", tmp.resolve("jobs").toString()));
        Process server = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(
                server.getInputStream(), StandardCharsets.UTF_8))) {
            String base = null;
            for (String line; base == null && (line = out.readLine()) != null; ) {
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    base = m.group(1);
                }
            }
            assertThat(base).as("the service printed its address").isNotNull()
                    .startsWith("http://127.0.0.1:");
            HttpClient http = HttpClient.newHttpClient();
            String body = "{\"model\": {\"name\": \"tiny_resnet.onnx\", \"base64\": \""
                    + Base64.getEncoder().encodeToString(Files.readAllBytes(model)) + "\"},"
                    + " \"plan\": {\"importance\": \"l2\", \"pruner\": {\"ratio\": 0.5}}}";
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = JSON.readTree(accepted.body()).get("id").asText();
            JsonNode job = JSON.readTree("{}");
            for (int i = 0; i < 600 && !job.path("state").asText().matches("done|failed"); i++) {
                Thread.sleep(100);
                job = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/" + id))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
            }
            assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("done");
            assertThat(job.at("/figures/params_after").asLong()).isEqualTo(4634);
            HttpResponse<byte[]> pruned = http.send(HttpRequest.newBuilder(URI.create(base + "/"
                    + id + "/model")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(pruned.statusCode()).isEqualTo(200);
            assertThat(pruned.body().length).isPositive();
        } finally {
            server.destroy();
            server.waitFor();
        }
    }
}
