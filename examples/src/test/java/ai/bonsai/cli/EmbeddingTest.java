package ai.bonsai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Parameter;
import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.embed.BonsaiModel;
import ai.bonsai.core.embed.Cancellation;
import ai.bonsai.core.embed.CancelledException;
import ai.bonsai.core.embed.LayerChange;
import ai.bonsai.core.embed.Progress;
import ai.bonsai.core.embed.PrunedGroup;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.plan.PlanBinder;
import ai.bonsai.core.plan.PlanTree;
import ai.bonsai.core.plan.PruningPlan;
import ai.bonsai.core.testing.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding API under concurrency: one {@link Bonsai} prunes eight different models at once,
 * and one model eight times at once with Taylor importance; every result equals the
 * single-threaded one bit for bit. A cancelled run leaves nothing behind.
 */
class EmbeddingTest {

    private static final int THREADS = 8;

    @TempDir
    static Path tmp;

    private static Bonsai bonsai;
    private static Path tempDir;

    @BeforeAll
    static void start() throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPlugins.copyInto(plugins);
        tempDir = tmp.resolve("bonsai-tmp");
        bonsai = Bonsai.builder().optPluginsDir(plugins).optThreads(THREADS).optTempDir(tempDir)
                .build();
    }

    @AfterAll
    static void stop() {
        bonsai.close();
    }

    private static PruningPlan plan(String yaml) {
        return PlanBinder.bind(PlanTree.parse(yaml, "test plan", tmp, true));
    }

    /** A fingerprint of a result: figures, kept channels and every parameter's bits. */
    private static Map<String, Object> fingerprint(PruningResult r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("before", r.before());
        f.put("after", r.after());
        f.put("layers", r.layers());
        f.put("groups", r.groups());
        for (Parameter p : r.model().graph().parameters().values()) {
            f.put(p.name(), List.of(p.shape(), HexFormat.of().formatHex(p.array().toByteArray())));
        }
        return f;
    }

    private static Map<String, Object> pruneOnce(Path model, PruningPlan plan) {
        try (BonsaiModel m = bonsai.load(model); PruningResult r = bonsai.prune(m, plan)) {
            return fingerprint(r);
        }
    }

    private static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = pool.invokeAll(tasks);
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    /** Two fixtures and six smaller variants of them, pruned and saved beforehand. */
    private static List<Path> eightModels() {
        List<Path> models = new ArrayList<>();
        for (String name : List.of("tiny_resnet", "tiny_mlp")) {
            models.add(Resources.path("fixtures/" + name + ".onnx"));
        }
        double[] ratios = {0.2, 0.4, 0.3, 0.25, 0.6, 0.1};
        for (int i = 0; i < ratios.length; i++) {
            Path source = models.get(i % 2);
            Path variant = tmp.resolve("variant" + i + ".onnx");
            try (BonsaiModel m = bonsai.load(source);
                    PruningResult r = bonsai.prune(m, plan("pruner: {ratio: " + ratios[i] + "}"))) {
                bonsai.save(r.model(), variant);
            }
            models.add(variant);
        }
        return models;
    }

    @Test
    void eightModelsPrunedAtOnceEqualTheSingleThreadedResults() throws Exception {
        List<Path> models = eightModels();
        PruningPlan plan = plan("importance: {name: l1}\npruner: {ratio: 0.3}");
        List<Map<String, Object>> expected = new ArrayList<>();
        for (Path m : models) {
            expected.add(pruneOnce(m, plan));
        }
        List<Callable<Map<String, Object>>> tasks = new ArrayList<>();
        for (Path m : models) {
            tasks.add(() -> pruneOnce(m, plan));
        }

        List<Map<String, Object>> actual = concurrently(tasks);

        assertThat(expected).hasSize(THREADS).doesNotHaveDuplicates();
        for (int i = 0; i < THREADS; i++) {
            assertThat(actual.get(i)).as(models.get(i).toString()).isEqualTo(expected.get(i));
        }
        assertThat(bonsai.openModels()).isZero();
    }

    @Test
    void eightTaylorRunsOfOneModelAtOnceEqualTheSingleThreadedResult() throws Exception {
        Path model = Resources.path("fixtures/tiny_resnet.onnx");
        PruningPlan plan = plan("importance: taylor\ncalibration: "
                + Resources.path("fixtures/tiny_resnet.input.safetensors") + "\npruner: {ratio: 0.5}");
        Map<String, Object> expected;
        List<Map<String, Object>> actual;
        try (BonsaiModel shared = bonsai.load(model)) {
            try (PruningResult r = bonsai.prune(shared, plan)) {
                expected = fingerprint(r);
            }
            List<Callable<Map<String, Object>>> tasks = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                tasks.add(() -> {
                    try (PruningResult r = bonsai.prune(shared, plan)) {
                        return fingerprint(r);
                    }
                });
            }
            actual = concurrently(tasks);
        }

        assertThat(actual).hasSize(THREADS).allSatisfy(f -> assertThat(f).isEqualTo(expected));
        assertThat(bonsai.openModels()).isZero();
    }

    @Test
    void theLayerTableCarriesEachPrunedLayersChannelsParamsAndMacs() {
        try (BonsaiModel model = bonsai.load(Resources.path("fixtures/tiny_resnet.onnx"));
                PruningResult r = bonsai.prune(model, plan("pruner: {ratio: 0.5}"))) {
            LayerChange conv1 = r.layers().stream().filter(l -> l.name().equals("conv1"))
                    .findFirst().orElseThrow();
            assertThat(conv1.opType()).isEqualTo("conv2d");
            assertThat(conv1.outChannelsBefore()).isEqualTo(16);
            assertThat(conv1.outChannelsAfter()).isEqualTo(8);
            // conv1 reads the image: halving its outputs halves its weights and its MACs
            assertThat(conv1.after().params() * 2).isEqualTo(conv1.before().params());
            assertThat(conv1.after().macs() * 2).isEqualTo(conv1.before().macs());
            assertThat(r.layers()).allSatisfy(l -> {
                assertThat(l.after().params()).isLessThan(l.before().params());
                assertThat(l.after().macs()).isLessThanOrEqualTo(l.before().macs());
            });
        }
    }

    @Test
    void progressReportsCalibrationBeforeEveryStepThenTheStep() {
        PruningPlan plan = plan("importance: taylor\ncalibration: "
                + Resources.path("fixtures/tiny_resnet.input.safetensors")
                + "\npruner: {ratio: 0.5, steps: 2}");
        List<Progress> events = new ArrayList<>();
        try (BonsaiModel model = bonsai.load(Resources.path("fixtures/tiny_resnet.onnx"));
                PruningResult r = bonsai.prune(model, plan, events::add, new Cancellation())) {
            assertThat(r.groups()).extracting(PrunedGroup::step).contains(1, 2);
        }
        assertThat(events).containsExactly(new Progress("calibrate", 1, 1),
                new Progress("prune", 1, 2), new Progress("calibrate", 1, 1),
                new Progress("prune", 2, 2));
    }

    @Test
    void aCancelledRunLeavesNothingBehind() throws IOException {
        PruningPlan plan = plan("importance: taylor\ncalibration: "
                + Resources.path("fixtures/tiny_resnet.input.safetensors") + "\npruner: {ratio: 0.5, steps: 3}");
        Cancellation cancel = new Cancellation();
        try (BonsaiModel model = bonsai.load(Resources.path("fixtures/tiny_resnet.onnx"))) {
            assertThatThrownBy(() -> bonsai.prune(model, plan, p -> {
                if (p.phase().equals("prune")) {
                    cancel.cancel();
                }
            }, cancel)).isInstanceOf(CancelledException.class);
            assertThat(bonsai.openModels()).isOne();
        }
        assertThat(bonsai.openModels()).isZero();
        try (Stream<Path> left = Files.list(tempDir)) {
            assertThat(left).isEmpty();
        }
    }
}
