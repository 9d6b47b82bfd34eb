package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.graph.DefaultParameter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights stay in their memory-mapped files until needed, and go back after being written. */
class LazyLoadingTest {

    private static final IndexSet CHANNELS = IndexSet.of(3, 50, 51, 100, 175);

    @TempDir
    Path dir;

    @Test
    void readingAndPruningReadNoWeightAndTheStreamingWriterReleasesEach() {
        Path lazy = dir.resolve("lazy");
        Path eager = dir.resolve("eager");
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            assertThat(materialized(g)).isZero();
            pruneMlpChannels(g);
            assertThat(materialized(g)).isZero();
            HfWriter.write(g, lazy, TensorType.F32, HfWriter.DEFAULT_SHARD_BYTES, Map.of(), true);
            assertThat(materialized(g)).isZero();
        }
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            g.parameters().values().forEach(Parameter::array);
            pruneMlpChannels(g);
            new HfDecoderFormat().write(g, eager);
            assertThat(materialized(g)).isEqualTo(g.parameters().size());
        }
        try (Graph a = Models.read(lazy); Graph b = Models.read(eager); NDManager m = NDManager.newBaseManager()) {
            assertThat(a.parameters().get("model.layers.0.mlp.up_proj.weight").shape().get(0)).isEqualTo(171);
            NDArray ids = Models.ids("tiny_llama", m);
            assertThat(Models.maxAbsDiff(Models.logits(a, ids), Models.logits(b, ids))).isZero();
        }
    }

    @Test
    void streamingMagnitudeScoringPrunesHeadsAndChannelsLikeTheInMemoryRun() {
        Path streamed = dir.resolve("streamed");
        Path inMemory = dir.resolve("in-memory");
        WidthPlan plan = new WidthPlan(0.5, 0.3, 0, true, 0, 4);
        try (Graph g = Models.read(Models.fixture("tiny_qwen3"))) {
            new MetaPruner().start(g, plan.toConfig(GraphShapes.of(g),
                    new LayerStreaming(new MagnitudeImportance()))).step();
            assertThat(materialized(g)).isZero();
            HfWriter.write(g, streamed, TensorType.F32, HfWriter.DEFAULT_SHARD_BYTES, Map.of(), true);
            assertThat(materialized(g)).isZero();
        }
        try (Graph g = Models.read(Models.fixture("tiny_qwen3"))) {
            new MetaPruner().start(g, plan.toConfig(GraphShapes.of(g), new MagnitudeImportance())).step();
            new HfDecoderFormat().write(g, inMemory);
        }
        try (Graph a = Models.read(streamed); Graph b = Models.read(inMemory); NDManager m = NDManager.newBaseManager()) {
            assertThat(GraphShapes.of(a).layers()).containsOnly(new LayerShape(4, 1, 16, 123));
            NDArray ids = Models.ids("tiny_qwen3", m);
            assertThat(Models.maxAbsDiff(Models.logits(a, ids), Models.logits(b, ids))).isZero();
        }
    }

    /** Removes five MLP channels of layer 0 through DepGraph, without scoring. */
    private static void pruneMlpChannels(Graph g) {
        DependencyGraph.build(g).getPruningGroup(g.node("model.layers.0.mlp.gate_proj"),
                PruningHandle.PRUNE_OUT, CHANNELS).prune();
    }

    private static long materialized(Graph g) {
        return g.parameters().values().stream().filter(p -> ((DefaultParameter) p).isMaterialized()).count();
    }
}
