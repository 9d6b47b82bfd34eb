package ai.bonsai.transformers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BENCHMARKS.md's encoder figures: ViT-B/16 and BERT-base (BertForSequenceClassification, 128
 * tokens) built from their configs with seeded weights; the time of DepGraph build + 50 % head
 * pruning (magnitude, local; the second of two runs on fresh graphs, so that the JIT is warm), and
 * the median of 5
 * forward passes before and after at batch 1 and 8.
 * Run with {@code -Pslow -Dtest=EncoderBenchmark}.
 */
@Tag("slow")
class EncoderBenchmark {

    private static final int RUNS = 5;

    private static Graph build(String model, long batch) throws URISyntaxException {
        Path config = Path.of(EncoderBenchmark.class.getResource("/configs/" + model + "/config.json").toURI());
        boolean bert = model.startsWith("bert");
        Shape input = bert ? new Shape(batch, 128) : new Shape(batch, 3, 224, 224);
        return new TransformersAdapter().build(new ModelSpec(bert ? "bert" : "vit", input,
                Map.of(TransformersAdapter.CONFIG, config.toString())), Fixtures.host().newGraphBuilder(model, 1));
    }

    private static NDList inputs(Graph g, NDManager m) {
        NDList list = new NDList();
        g.inputs().forEach(v -> list.add(v.name().equals("pixel_values") ? m.randomNormal(v.shape())
                : v.name().equals("input_ids") ? m.randomInteger(0, 1000, v.shape(), DataType.INT64)
                : v.name().equals("attention_mask") ? m.ones(v.shape(), DataType.INT64) : m.zeros(v.shape(), DataType.INT64)));
        return list;
    }

    private static double latencyMs(Graph g) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList in = inputs(g, m);
            GraphExecutor exec = new GraphExecutor(g);
            exec.forward(in);
            double[] ms = new double[RUNS];
            for (int r = 0; r < RUNS; r++) {
                long t = System.nanoTime();
                try (NDManager pass = m.newSubManager()) {
                    NDList out = exec.forward(in);
                    out.attach(pass);
                }
                ms[r] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            return ms[RUNS / 2];
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-base-patch16-224", "bert-base"})
    void pruneHalfTheHeads(String model) throws Exception {
        StringBuilder row = new StringBuilder("| " + model);
        double depGraph = 0;
        double total = 0;
        for (int run = 0; run < 2; run++) {
            try (Graph g = build(model, 1)) {
                long t = System.nanoTime();
                PruningRun pruning = new MetaPruner().start(g, new EncoderPruning(0.5, 0, 0, 0, false)
                        .configure(g, new MagnitudeImportance()).build());
                depGraph = (System.nanoTime() - t) / 1e9;
                pruning.step();
                total = (System.nanoTime() - t) / 1e9;
            }
        }
        for (long batch : new long[] {1, 8}) {
            try (Graph g = build(model, batch)) {
                long paramsBefore = OpCounter.count(g).params();
                double before = latencyMs(g);
                new MetaPruner().start(g, new EncoderPruning(0.5, 0, 0, 0, false)
                        .configure(g, new MagnitudeImportance()).build()).step();
                assertThat(g.node(EncoderFolder.configOf(g).names().selfAttention(0)).attributes().getLong("num_heads"))
                        .isEqualTo(6);
                double after = latencyMs(g);
                if (batch == 1) {
                    row.append(String.format(" | %,d → %,d | %.2f s (DepGraph %.3f s)", paramsBefore,
                            OpCounter.count(g).params(), total, depGraph));
                }
                row.append(String.format(" | %.1f → %.1f ms (%.2f×)", before, after, before / after));
            }
        }
        System.out.println(row.append(" |"));
    }
}
