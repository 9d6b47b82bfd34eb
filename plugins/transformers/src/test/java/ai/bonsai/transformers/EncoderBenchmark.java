package ai.bonsai.transformers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BENCHMARKS.md's encoder figures: ViT-B/16 twice, as Hugging Face's {@code ViTForImageClassification}
 * (the {@code transformers} adapter, from its config) and as torchvision's {@code vit_b_16} (the
 * {@code torchvision-vit} adapter, built in Java), and BERT-base ({@code
 * BertForSequenceClassification}, 128 tokens), all with seeded weights, magnitude L2, local. The
 * Hugging Face models lose half of every layer's heads (head size and hidden size kept).
 * torchvision's {@code nn.MultiheadAttention} packs its heads into the residual width, so its
 * heads cannot go without the hidden size: {@code vit_b_16} is pruned with Torch-Pruning's ViT
 * setting instead, 50 % of every group with each attention's 12 heads as channel groups (hidden
 * 768 to 384, MLP 3072 to 1536, 12 heads of 32), the setting of the {@code tiny_vit} reference.
 * Time: DepGraph build ({@code
 * MetaPruner.start}) and DepGraph build + the pruning step, each on a fresh graph, {@value
 * #PRUNING_RUNS} runs after {@value #WARM_UP} warm-up runs, minimum and median. Latency: median of
 * {@value #LATENCY_RUNS} DJL forward passes (eval mode) before and after pruning, at batch 1 and
 * 8 (a graph per batch size). The table goes to {@code target/benchmarks/encoders.md} with the
 * machine's load. Run with {@code -Pslow -Dtest=EncoderBenchmark}, and {@code
 * -Dbonsai.bench.encoders=vit_b_16} for some of the models only.
 */
@Tag("slow")
class EncoderBenchmark {

    private static final int WARM_UP = 2;
    private static final int PRUNING_RUNS = 7;
    private static final int LATENCY_RUNS = 5;
    private static final String TORCHVISION_VIT = "vit_b_16";
    private static final StringBuilder ROWS = new StringBuilder();
    private static final double LOAD_BEFORE = load();

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static Graph build(String model, long batch) throws URISyntaxException {
        if (model.equals(TORCHVISION_VIT)) {
            return new TorchvisionVitAdapter().build(new ModelSpec(model, new Shape(batch, 3, 224, 224),
                    Map.of()), Fixtures.host().newGraphBuilder(model, 1));
        }
        Path config = Path.of(EncoderBenchmark.class.getResource("/configs/" + model + "/config.json").toURI());
        boolean bert = model.startsWith("bert");
        Shape input = bert ? new Shape(batch, 128) : new Shape(batch, 3, 224, 224);
        return new TransformersAdapter().build(new ModelSpec(bert ? "bert" : "vit", input,
                Map.of(TransformersAdapter.CONFIG, config.toString())), Fixtures.host().newGraphBuilder(model, 1));
    }

    /**
     * The Hugging Face models: the {@code transformers} family's head mode at 0.5. torchvision's
     * ViT: ratio 0.5 everywhere, classifier ignored, 12 channel groups per attention.
     */
    private static PruningConfig config(String model, Graph g) {
        if (model.equals(TORCHVISION_VIT)) {
            return PruningConfig.builder().setImportance(new MagnitudeImportance()).optRatio(0.5)
                    .optIgnoredLayers(List.of("heads.head"))
                    .optOutChannelGroups("encoder.layers.*.self_attention", 12).build();
        }
        return new EncoderPruning(0.5, 0, 0, 0, false).configure(g, new MagnitudeImportance()).build();
    }

    /** Checks the first attention layer after pruning: 6 heads left, or 12 heads over 384 dims. */
    private static void checkAttention(String model, Graph g) {
        if (model.equals(TORCHVISION_VIT)) {
            Attributes a = g.node("encoder.layers.encoder_layer_0.self_attention").attributes();
            assertThat(a.getLong("num_heads")).isEqualTo(12);
            assertThat(a.getLong("embed_dim")).isEqualTo(384);
        } else {
            assertThat(g.node(EncoderFolder.configOf(g).names().selfAttention(0)).attributes()
                    .getLong("num_heads")).isEqualTo(6);
        }
    }

    private static NDList inputs(Graph g, NDManager m) {
        NDList list = new NDList();
        g.inputs().forEach(v -> list.add(v.name().equals("pixel_values") || v.name().equals("input")
                ? m.randomNormal(v.shape())
                : v.name().equals("input_ids") ? m.randomInteger(0, 1000, v.shape(), DataType.INT64)
                : v.name().equals("attention_mask") ? m.ones(v.shape(), DataType.INT64) : m.zeros(v.shape(), DataType.INT64)));
        return list;
    }

    private static double latencyMs(Graph g) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList in = inputs(g, m);
            GraphExecutor exec = new GraphExecutor(g);
            exec.forward(in);
            double[] ms = new double[LATENCY_RUNS];
            for (int r = 0; r < LATENCY_RUNS; r++) {
                long t = System.nanoTime();
                try (NDManager pass = m.newSubManager()) {
                    NDList out = exec.forward(in);
                    out.attach(pass);
                }
                ms[r] = (System.nanoTime() - t) / 1e6;
            }
            return median(ms);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The models, or those named in {@code -Dbonsai.bench.encoders=a,b}. */
    static Stream<String> models() {
        String chosen = System.getProperty("bonsai.bench.encoders", "vit-base-patch16-224,"
                + TORCHVISION_VIT + ",bert-base");
        return Arrays.stream(chosen.split(",")).map(String::trim);
    }

    @ParameterizedTest
    @MethodSource("models")
    void pruneAndTime(String model) throws Exception {
        double[] depGraph = new double[PRUNING_RUNS];
        double[] total = new double[PRUNING_RUNS];
        for (int run = -WARM_UP; run < PRUNING_RUNS; run++) {
            try (Graph g = build(model, 1)) {
                PruningConfig config = config(model, g);
                System.gc();
                long t = System.nanoTime();
                PruningRun pruning = new MetaPruner().start(g, config);
                long built = System.nanoTime();
                pruning.step();
                long done = System.nanoTime();
                checkAttention(model, g);
                if (run >= 0) {
                    depGraph[run] = (built - t) / 1e9;
                    total[run] = (done - t) / 1e9;
                }
            }
        }
        StringBuilder row = new StringBuilder("| " + model);
        for (long batch : new long[] {1, 8}) {
            try (Graph g = build(model, batch)) {
                long paramsBefore = OpCounter.count(g).params();
                double before = latencyMs(g);
                new MetaPruner().start(g, config(model, g)).step();
                long paramsAfter = OpCounter.count(g).params();
                if (model.equals(TORCHVISION_VIT)) {
                    assertThat(paramsBefore).isEqualTo(vitB16Params(768, 3072)).isEqualTo(86_567_656L);
                    assertThat(paramsAfter).isEqualTo(vitB16Params(384, 1536));
                } else if (model.startsWith("vit")) {
                    // 12 layers lose 384 of q, k, v and the output projection's 768 dims: 4 weight
                    // slices of 768 x 384 and 3 bias slices of 384 (the output bias stays)
                    assertThat(paramsBefore).isEqualTo(86_567_656L);
                    assertThat(paramsAfter).isEqualTo(paramsBefore - 12L * (4 * 768 * 384 + 3 * 384));
                }
                double after = latencyMs(g);
                if (batch == 1) {
                    row.append(String.format(" | %,d → %,d | %.3f / %.3f s | %.4f / %.4f s", paramsBefore,
                            paramsAfter, Arrays.stream(total).min().orElseThrow(), median(total),
                            Arrays.stream(depGraph).min().orElseThrow(), median(depGraph)));
                }
                row.append(String.format(" | %.1f → %.1f ms (%.2f×)", before, after, before / after));
            }
        }
        ROWS.append(row).append(" |\n");
        System.out.println(row.append(" |"));
    }

    /**
     * torchvision's ViT-B/16 parameters at a hidden size h and MLP width m: patch conv (16 x 16,
     * with bias), class token, 197 position embeddings; per layer two layer norms, the packed
     * q/k/v projection and the output projection with biases, the two MLP linears with biases;
     * the final layer norm and the 1000-class head.
     */
    private static long vitB16Params(long h, long m) {
        long layer = 2 * h + 3 * h * h + 3 * h + h * h + h + 2 * h + m * h + m + h * m + h;
        return h * 3 * 16 * 16 + h + h + 197 * h + 12 * layer + 2 * h + 1000 * h + 1000;
    }

    @AfterAll
    static void writeTable() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "benchmarks"));
        String table = String.format("Measured %s with %d cores, Java %s; one-minute load average %.2f"
                        + " before and %.2f after.%n%n", Instant.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), LOAD_BEFORE, load())
                + "| model | params | DepGraph + pruning (min / median) | DepGraph build (min / median)"
                + " | latency, batch 1 | latency, batch 8 |\n|---|---:|---:|---:|---:|---:|\n" + ROWS;
        Files.writeString(dir.resolve("encoders.md"), table);
    }
}
