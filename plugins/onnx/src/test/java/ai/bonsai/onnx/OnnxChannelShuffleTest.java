package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ShuffleNet's channel shuffle (Reshape → Transpose → Reshape) imports as {@code channel_shuffle},
 * whose permutation mapping carries groups through it: the pruned model computes exactly what the
 * original computes with the group's channels zeroed ({@code Group.mask()}), and its ONNX file runs
 * in ONNX Runtime to the same output.
 */
class OnnxChannelShuffleTest {

    @TempDir
    Path dir;

    /**
     * A ShuffleNet-v2-style unit: two 1×1 branches a, b (3→8) concatenated, shuffled in 2 groups,
     * split in halves; the first half through d (3×3), concatenated with the second, into c (16→4).
     */
    static Path shuffleUnit(Path dir) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("input", 1, 3, 8, 8))
                .addOutput(value("output", 1, 4, 8, 8))
                .addInitializer(weight("a.weight", 1, 8, 3, 1, 1)).addInitializer(weight("a.bias", 2, 8))
                .addInitializer(weight("b.weight", 3, 8, 3, 1, 1)).addInitializer(weight("b.bias", 4, 8))
                .addInitializer(weight("d.weight", 5, 8, 8, 3, 3)).addInitializer(weight("d.bias", 6, 8))
                .addInitializer(weight("c.weight", 7, 4, 16, 1, 1)).addInitializer(weight("c.bias", 8, 4))
                .addInitializer(OnnxModels.int64s("groups", 1, 2, 8, 8, 8))
                .addInitializer(OnnxModels.int64s("merged", 1, 16, 8, 8))
                .addInitializer(OnnxModels.int64s("halves", 8, 8))
                .addNode(node("Conv", "/a/Conv", List.of("input", "a.weight", "a.bias"), List.of("a")))
                .addNode(node("Relu", "/a_act/Relu", List.of("a"), List.of("ra")))
                .addNode(node("Conv", "/b/Conv", List.of("input", "b.weight", "b.bias"), List.of("b")))
                .addNode(node("Relu", "/b_act/Relu", List.of("b"), List.of("rb")))
                .addNode(node("Concat", "/cat/Concat", List.of("ra", "rb"), List.of("cat"), integer("axis", 1)))
                .addNode(node("Reshape", "/shuffle/Reshape", List.of("cat", "groups"), List.of("grouped")))
                .addNode(node("Transpose", "/shuffle/Transpose", List.of("grouped"), List.of("swapped"),
                        ints("perm", 0, 2, 1, 3, 4)))
                .addNode(node("Reshape", "/shuffle/Reshape_1", List.of("swapped", "merged"), List.of("shuffled")))
                .addNode(node("Split", "/split/Split", List.of("shuffled", "halves"), List.of("s1", "s2"),
                        integer("axis", 1)))
                .addNode(node("Conv", "/d/Conv", List.of("s1", "d.weight", "d.bias"), List.of("d"),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "/d_act/Relu", List.of("d"), List.of("rd")))
                .addNode(node("Concat", "/cat2/Concat", List.of("rd", "s2"), List.of("cat2"), integer("axis", 1)))
                .addNode(node("Conv", "/c/Conv", List.of("cat2", "c.weight", "c.bias"), List.of("output")));
        return OnnxModels.save(OnnxModels.model(g, 13), dir.resolve("shuffle_unit.onnx"));
    }

    @Test
    void shuffleImportsAsChannelShuffleRunsToOnnxRuntimesOutputAndIsWrittenBackAsAShuffle() throws Exception {
        Path model = shuffleUnit(dir);
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).contains("channel_shuffle")
                    .doesNotContain("reshape", "permute", "onnx_opaque");
            assertThat(g.node("shuffle").attributes().getLongs("perm"))
                    .containsExactly(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            assertThat(Ort.maxAbsDiff(djl, Ort.run(model, "input", x))).isLessThan(1e-5f);

            Path written = dir.resolve("shuffle_unit.bonsai.onnx");
            new OnnxFormat().write(g, written);
            assertThat(Ort.maxAbsDiff(djl, Ort.run(written, "input", x))).isLessThan(1e-5f);
            try (Graph again = OnnxFixtures.read(written)) {
                assertThat(again.nodes()).extracting(n -> n.op().name()).contains("channel_shuffle")
                        .doesNotContain("reshape", "permute");
            }
        }
    }

    @Test
    void prunedThroughTheShuffleEqualsTheOriginalWithTheGroupsChannelsZeroed() throws Exception {
        Path model = shuffleUnit(dir);
        IndexSet idxs = IndexSet.of(1, 4, 6);
        try (Graph masked = OnnxFixtures.read(model); Graph pruned = OnnxFixtures.read(model);
                Graph original = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            Group group = DependencyGraph.build(pruned).getPruningGroup(pruned.node("a"), PruningHandle.PRUNE_OUT, idxs);
            assertThat(group.toString()).contains("prune_in_channels on d,").contains("prune_in_channels on c,");
            DependencyGraph.build(masked).getPruningGroup(masked.node("a"), PruningHandle.PRUNE_OUT, idxs).mask();
            group.prune();

            // a's channels 1, 4, 6 are the concat's 1, 4, 6; the shuffle moves channel i < 8 to 2i:
            // shuffled 2 is d's input 2, shuffled 8 and 12 pass the split's second half to c's inputs 8, 12
            assertThat(pruned.node("a").parameter("weight").shape()).isEqualTo(new Shape(5, 3, 1, 1));
            assertThat(pruned.node("d").parameter("weight").shape()).isEqualTo(new Shape(8, 7, 3, 3));
            assertThat(pruned.node("c").parameter("weight").shape()).isEqualTo(new Shape(4, 14, 1, 1));
            assertThat(pruned.node("shuffle").attributes().getLongs("perm"))
                    .containsExactly(0, 5, 6, 1, 7, 2, 8, 9, 3, 10, 11, 4, 12);

            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            NDArray expected = new GraphExecutor(masked).forward(new NDList(x)).head();
            NDArray actual = new GraphExecutor(pruned).forward(new NDList(x)).head();
            NDArray unpruned = new GraphExecutor(original).forward(new NDList(x)).head();
            assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
            assertThat(actual.sub(unpruned).abs().max().getFloat()).as("the group changes the output").isGreaterThan(1e-3f);

            Path written = dir.resolve("shuffle_unit.pruned.onnx");
            new OnnxFormat().write(pruned, written);
            assertThat(Ort.maxAbsDiff(Ort.run(written, "input", x), actual.toFloatArray())).isLessThan(1e-5f);
            try (Graph again = OnnxFixtures.read(written)) {
                assertThat(again.nodes()).extracting(n -> n.op().name()).contains("channel_shuffle");
            }
        }
    }
}
