package ai.bonsai.core.depgraph;

import static ai.bonsai.core.depgraph.DepGraphCasesTest.pruneMatchingMask;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** DepGraph through the {@code attention} op: q/k/v projections, heads, head dims, GQA groups. */
class AttentionPruningTest {

    private static List<String> members(Group g) {
        return g.members().stream()
                .map(m -> m.node().name() + ":" + (m.handle() == PruningHandle.PRUNE_OUT ? "out" : "in") + m.idxs())
                .collect(Collectors.toList());
    }

    private static Group group(Graph g, String root, int... idxs) {
        return DependencyGraph.build(g).getPruningGroup(g.node(root), PruningHandle.PRUNE_OUT, IndexSet.of(idxs));
    }

    /** x → q, k, v projections → attention (with an additive mask input) → o → + x. */
    private static Graph block(int heads, int kvHeads, int headDim, int valueDim, boolean causal) {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("block", 11);
        Value x = b.input("x", new Shape(2, 5, 6));
        Value mask = b.input("mask", new Shape(2, 1, 1, 5));
        Value attn = b.op("attention", "attn", Attributes.of().with("num_heads", heads)
                        .with("num_kv_heads", kvHeads).with("scale", 1 / Math.sqrt(headDim)).with("causal", causal),
                b.linear("q", x, heads * headDim), b.linear("k", x, kvHeads * headDim),
                b.linear("v", x, kvHeads * valueDim), mask);
        b.output(b.add("residual", x, b.linear("o", attn, 6)));
        return b.build();
    }

    private static Graph mha() {
        return block(3, 3, 4, 4, false);
    }

    private static Graph gqa() {
        return block(4, 2, 2, 2, true);
    }

    @Test
    void aQueryHeadTakesItsKeyValueAndOutputChannels() {
        try (Graph g = mha()) {
            assertThat(members(group(g, "q", 4, 5, 6, 7))).containsExactly("q:out[4, 5, 6, 7]",
                    "attn:out[4, 5, 6, 7]", "k:out[4, 5, 6, 7]", "v:out[4, 5, 6, 7]", "o:in[4, 5, 6, 7]");
        }
        try (Graph g = pruneMatchingMask(AttentionPruningTest::mha, "q", 4, 5, 6, 7)) {
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("attn").attributes().getLong("num_kv_heads")).isEqualTo(2);
            assertThat(g.node("k").parameter("weight").shape()).isEqualTo(new Shape(8, 6));
            assertThat(g.node("o").parameter("weight").shape()).isEqualTo(new Shape(6, 8));
            assertThat(g.node("attn").output().shape()).isEqualTo(new Shape(2, 5, 8));
        }
    }

    @Test
    void headDimsGoInEveryHeadAndKeepTheScale() {
        try (Graph g = pruneMatchingMask(AttentionPruningTest::mha, "v", 1, 5, 9)) {
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(3);
            assertThat(g.node("attn").attributes().getDouble("scale")).isEqualTo(0.5);
            assertThat(g.node("q").parameter("weight").shape()).isEqualTo(new Shape(9, 6));
            assertThat(g.node("o").parameter("weight").shape()).isEqualTo(new Shape(6, 9));
        }
        try (Graph g = mha()) {
            assertThat(DependencyGraph.build(g).problem(group(g, "q", 0))).get().asString()
                    .contains("node 'attn' (attention): attention needs whole heads and an equal number");
        }
    }

    @Test
    void wholeHeadsAndHeadDimsGoTogether() {
        try (Graph g = pruneMatchingMask(AttentionPruningTest::mha, "q", 0, 4, 5, 6, 7, 8)) {
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("q").parameter("weight").shape()).isEqualTo(new Shape(6, 6));
            assertThat(g.node("attn").output().shape()).isEqualTo(new Shape(2, 5, 6));
        }
    }

    @Test
    void aKeyValueHeadGoesWithItsWholeQueryGroup() {
        try (Graph g = gqa()) {
            assertThat(members(group(g, "k", 2, 3))).containsExactly("k:out[2, 3]", "attn:out[4, 5, 6, 7]",
                    "q:out[4, 5, 6, 7]", "v:out[2, 3]", "o:in[4, 5, 6, 7]");
            // one query head pulls its key/value head, which pulls the other query head of the group
            assertThat(members(group(g, "q", 0, 1)).get(0)).isEqualTo("q:out[0, 1, 2, 3]");
        }
        try (Graph g = pruneMatchingMask(AttentionPruningTest::gqa, "k", 2, 3)) {
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("attn").attributes().getLong("num_kv_heads")).isEqualTo(1);
            assertThat(g.node("q").parameter("weight").shape()).isEqualTo(new Shape(4, 6));
            assertThat(g.node("v").parameter("weight").shape()).isEqualTo(new Shape(2, 6));
        }
    }

    @Test
    void aSharedHeadDimGoesInEveryQueryHead() {
        try (Graph g = gqa()) {
            assertThat(members(group(g, "k", 0, 2))).containsExactly("k:out[0, 2]", "attn:out[0, 2, 4, 6]",
                    "q:out[0, 2, 4, 6]", "v:out[0, 2]", "o:in[0, 2, 4, 6]");
        }
        try (Graph g = pruneMatchingMask(AttentionPruningTest::gqa, "k", 0, 2)) {
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(4);
            assertThat(g.node("attn").output().shape()).isEqualTo(new Shape(2, 5, 4));
        }
    }

    @Test
    void differentValueHeadSizesPruneQueryKeyAndValueOutputDimsApart() {
        try (Graph g = block(2, 2, 3, 2, false)) {
            assertThat(members(group(g, "q", 0, 3))).containsExactly("q:out[0, 3]", "attn:out[0, 3]", "k:out[0, 3]");
            assertThat(members(group(g, "v", 1, 3))).containsExactly("v:out[1, 3]", "attn:out[7, 9]", "o:in[1, 3]");
        }
        try (Graph g = pruneMatchingMask(() -> block(2, 2, 3, 2, false), "v", 1, 3)) {
            assertThat(g.node("attn").output().shape()).isEqualTo(new Shape(2, 5, 2));
            assertThat(g.node("q").parameter("weight").shape()).isEqualTo(new Shape(6, 6));
        }
    }
}
