package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code llm} pruner as the host hands it out: its parameters select heads by key/value group
 * or query heads per group, MLP channels, the hidden size (following the heads when uniform),
 * per-layer ranking, a layer range and whole-layer removal by block influence.
 */
class LlmPrunerTest {

    @TempDir
    Path dir;

    private static Pruner llm(Map<String, ?> parameters) {
        return PluginHost.classpathOnly().pruners().get("llm").withParameters(parameters);
    }

    private static PruningConfig config(double ratio) {
        return PruningConfig.builder().setImportance(new MagnitudeImportance()).optRatio(ratio).build();
    }

    /** Prunes a copy of the folder's model and returns the result's sizes after a forward pass. */
    private static LlmConfig prune(Path folder, Map<String, ?> parameters, double ratio, List<NDList> calibration) {
        try (Graph g = Models.read(folder); NDManager m = NDManager.newBaseManager()) {
            PruningRun run = llm(parameters).start(g, config(ratio), calibration);
            run.step();
            Graph result = run.rebuilt().orElse(g);
            try {
                NDArray logits = new GraphExecutor(result).forward(new NDList(m.zeros(Models.IDS,
                        ai.djl.ndarray.types.DataType.INT64))).head();
                assertThat(logits.getShape().getShape()).containsExactly(2, 12, 128);
                assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean()).isFalse();
                return GraphShapes.of(result);
            } finally {
                if (result != g) {
                    result.close();
                }
            }
        }
    }

    @Test
    void theDefaultsRemoveKeyValueGroupsAndMlpChannelsAndTheHiddenSizeFollowsTheHeads() throws IOException {
        LlmConfig pruned = prune(Models.synthetic(dir, "llama", 4), Map.of(), 0.25, List.of());
        assertThat(pruned.layers()).containsOnly(new LayerShape(6, 3, 8, 132));
        assertThat(pruned.hiddenSize()).isEqualTo(6 * 8);
    }

    @Test
    void queryHeadsGoEvenlyInsideEveryGroupAndKeyValueHeadsStay() {
        LlmConfig pruned = prune(Models.fixture("tiny_llama"), Map.of("head_mode", "query_heads",
                "head_ratio", 0.25, "mlp_ratio", 0.3), 0.5, List.of());
        assertThat(pruned.layers()).containsOnly(new LayerShape(6, 2, 8, 123));
        assertThat(pruned.hiddenSize()).isEqualTo(48);
    }

    @Test
    void queryHeadsFollowTheLayerRange() {
        LlmConfig pruned = prune(Models.fixture("tiny_llama"), Map.of("head_mode", "query_heads",
                "head_ratio", 0.25, "mlp_ratio", 0.3, "layers", List.of(1L, 3L)), 0.5, List.of());
        assertThat(pruned.layers()).containsExactly(new LayerShape(8, 2, 8, 176), new LayerShape(6, 2, 8, 123),
                new LayerShape(6, 2, 8, 123), new LayerShape(8, 2, 8, 176));
        assertThat(pruned.hiddenSize()).isEqualTo(64);
    }

    @Test
    void anExplicitHiddenRatioWinsAndPerLayerRankingGivesPerLayerSizes() throws IOException {
        LlmConfig pruned = prune(Models.synthetic(dir, "mistral", 4), Map.of("uniform", false,
                "hidden_ratio", 0.0), 0.25, List.of());
        assertThat(pruned.hiddenSize()).isEqualTo(64);
        assertThat(pruned.uniform()).isFalse();
        assertThat(pruned.layers().stream().mapToInt(LayerShape::numKvHeads).sum()).isEqualTo(12);
    }

    @Test
    void aLayerRangeLeavesTheOtherLayersWhole() {
        LlmConfig pruned = prune(Models.fixture("tiny_qwen2"), Map.of("layers", List.of(1L, 3L),
                "head_ratio", 0.0), 0.3, List.of());
        assertThat(pruned.layers().stream().map(LayerShape::intermediateSize).toList())
                .containsExactly(176, 123, 123, 176);
        assertThat(pruned.hiddenSize()).isEqualTo(64);
    }

    @Test
    void thePlansRatiosByPatternGiveSingleLayersTheirOwnMlpRatio() {
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            PruningConfig config = PruningConfig.builder().setImportance(new MagnitudeImportance()).optRatio(0.25)
                    .optRatio("model.layers.2.mlp.*", 0.5).build();
            PruningRun run = llm(Map.of("head_ratio", 0.0)).start(g, config, List.of());
            run.step();
            assertThat(run.rebuilt()).isEmpty();
            assertThat(GraphShapes.of(g).layers().stream().map(LayerShape::intermediateSize).toList())
                    .containsExactly(132, 132, 88, 132);
        }
    }

    @Test
    void removeLayersDropsTheLayerOfLowestBlockInfluence() {
        try (NDManager m = NDManager.newBaseManager(); Graph g = Models.read(Models.fixture("tiny_llama"))) {
            NDArray ids = Models.ids("tiny_llama", m);
            double[] influence = BlockInfluence.of(g, (in, o) -> new GraphExecutor(g).forward(in, false, o),
                    List.of(ids));
            int lowest = DepthPruning.lowest(influence, 1)[0];
            Pruner pruner = llm(Map.of("remove_layers", 1L));
            assertThat(pruner.needsCalibration()).isTrue();
            PruningRun run = pruner.start(g, config(0), List.of(new NDList(ids)));
            run.step();
            try (Graph shorter = run.rebuilt().orElseThrow()) {
                assertThat(GraphShapes.of(shorter).layers()).hasSize(3);
                int source = lowest == 0 ? 1 : 0;
                assertThat(shorter.parameters().get("model.layers.0.mlp.up_proj.weight").array()
                        .contentEquals(g.parameters().get(TensorLayout.layer(source) + "mlp.up_proj.weight").array()))
                        .isTrue();
            }
        }
    }

    @Test
    void removeLayersByTheCriterionDropsTheLayerWhoseWeightsAreSmallest() {
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            for (String tensor : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
                g.parameters().get(TensorLayout.layer(2) + tensor + ".weight").array().muli(0.01f);
            }
            PruningConfig config = PruningConfig.builder().optRatio(0)
                    .setImportance(new MagnitudeImportance().withParameters(Map.of("normalizer", "none"))).build();
            PruningRun run = llm(Map.of("remove_layers", 1L, "layer_criterion", "importance")).start(g, config, List.of());
            run.step();
            try (Graph shorter = run.rebuilt().orElseThrow()) {
                for (int[] kept : new int[][] {{0, 0}, {1, 1}, {2, 3}}) {
                    assertThat(shorter.parameters().get(TensorLayout.layer(kept[0]) + "mlp.up_proj.weight").array()
                            .contentEquals(g.parameters().get(TensorLayout.layer(kept[1]) + "mlp.up_proj.weight")
                                    .array())).as("layer %d is source layer %d", kept[0], kept[1]).isTrue();
                }
            }
            assertThatThrownBy(() -> llm(Map.of("remove_layers", 1L, "layer_criterion", "importance"))
                    .start(g, config(0), List.of())).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("pruner.layer_criterion: criterion 'magnitude' gives every layer the same"
                            + " total");
        }
    }

    @Test
    void badParametersAndSettingsThatDoNotFitTheModelNameTheirField() {
        assertThatThrownBy(() -> llm(Map.of("head_mode", "heads")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("pruner.head_mode: must be one of kv_groups, query_heads, found heads");
        assertThatThrownBy(() -> llm(Map.of("layers", List.of(3L, 1L))))
                .hasMessage("pruner.layers: must be [start, end) with 0 <= start < end, found [3, 1]");
        assertThatThrownBy(() -> llm(Map.of("mlp_ratio", 1.0)))
                .hasMessage("pruner.mlp_ratio: must be a number in [0, 1), found 1.0");
        assertThatThrownBy(() -> prune(Models.fixture("tiny_llama"), Map.of("layers", List.of(0L, 9L)), 0.2,
                List.of())).hasMessage("pruner.layers: [0, 9) exceeds the model's 4 layers");
        assertThatThrownBy(() -> prune(Models.fixture("tiny_llama"), Map.of("remove_layers", 1L), 0.2,
                List.of())).hasMessageStartingWith("pruner.remove_layers: block influence needs calibration data");
        assertThatThrownBy(() -> prune(Models.fixture("tiny_llama"), Map.of("head_mode", "query_heads",
                "head_ratio", 0.1), 0.2, List.of())).hasMessageStartingWith("pruner.head_ratio: 0.1 removes 0 of the 4");
    }
}
