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
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** DepGraph through LSTMs and multi-head attention. */
class SequenceModelPruningTest {

    private static List<String> members(Group g) {
        return g.members().stream()
                .map(m -> m.node().name() + ":" + (m.handle() == PruningHandle.PRUNE_OUT ? "out" : "in") + m.idxs())
                .collect(Collectors.toList());
    }

    private static Group group(Graph g, String root, int... idxs) {
        return DependencyGraph.build(g).getPruningGroup(g.node(root), PruningHandle.PRUNE_OUT, IndexSet.of(idxs));
    }

    private static Graph tagger() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("tagger", 5);
        Value x = b.linear("embed", b.input("x", new Shape(2, 4, 3)), 6);
        Value rnn = b.op("lstm", "rnn", Attributes.of().with("hidden_size", 5).with("num_layers", 2)
                .with("bidirectional", true).with("bias", true).with("batch_first", true), x);
        b.output(b.linear("head", rnn, 3));
        return b.build();
    }

    @Test
    void lstmHiddenUnitsGoInEveryGateLayerAndDirection() {
        try (Graph g = tagger()) {
            assertThat(members(group(g, "rnn", 1, 3))).containsExactly("rnn:out[1, 3]", "head:in[1, 3, 6, 8]");
            assertThat(members(group(g, "head", 0)).get(0)).isEqualTo("head:out[0]");
        }
        try (Graph g = pruneMatchingMask(SequenceModelPruningTest::tagger, "rnn", 1, 3)) {
            assertThat(g.node("rnn").attributes().getLong("hidden_size")).isEqualTo(3);
            assertThat(g.parameters().get("rnn.weight_ih_l0").shape()).isEqualTo(new Shape(12, 6));
            assertThat(g.parameters().get("rnn.weight_hh_l0_reverse").shape()).isEqualTo(new Shape(12, 3));
            assertThat(g.parameters().get("rnn.weight_ih_l1").shape()).isEqualTo(new Shape(12, 6));
            assertThat(g.parameters().get("rnn.bias_hh_l1_reverse").shape()).isEqualTo(new Shape(12));
            assertThat(g.parameters().get("head.weight").shape()).isEqualTo(new Shape(3, 6));
        }
    }

    @Test
    void aHeadInputPullsInItsHiddenUnitForBothDirections() {
        try (Graph g = tagger()) {
            Group byFeature = DependencyGraph.build(g).getPruningGroup(g.node("head"), PruningHandle.PRUNE_IN, IndexSet.of(7));
            assertThat(members(byFeature)).containsExactly("head:in[2, 7]", "rnn:out[2]");
        }
    }

    @Test
    void lstmInputFeaturesFollowTheLayerFeedingIt() {
        try (Graph g = tagger()) {
            assertThat(members(group(g, "embed", 0, 4))).containsExactly("embed:out[0, 4]", "rnn:in[0, 4]");
        }
        try (Graph g = pruneMatchingMask(SequenceModelPruningTest::tagger, "embed", 0, 4)) {
            assertThat(g.parameters().get("rnn.weight_ih_l0").shape()).isEqualTo(new Shape(20, 4));
            assertThat(g.parameters().get("rnn.weight_ih_l0_reverse").shape()).isEqualTo(new Shape(20, 4));
            assertThat(g.parameters().get("rnn.weight_ih_l1").shape()).isEqualTo(new Shape(20, 10));
        }
    }

    private static Graph encoderBlock() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("encoder", 9);
        Value x = b.linear("embed", b.input("x", new Shape(2, 4, 5)), 6);
        Value attn = b.op("multihead_attention", "attn", Attributes.of().with("embed_dim", 6)
                .with("num_heads", 3).with("bias", true), x);
        // no norm after the residual: its statistics would see masked channels, so masking and pruning differ
        b.output(b.linear("head", b.unary("gelu", "act", b.add("residual", x, attn)), 2));
        return b.build();
    }

    @Test
    void attentionHeadsPruneWholeWithTheResidualStream() {
        try (Graph g = encoderBlock()) {
            assertThat(members(group(g, "attn", 2, 3))).containsExactlyInAnyOrder("attn:out[2, 3]", "embed:out[2, 3]",
                    "residual:out[2, 3]", "act:out[2, 3]", "head:in[2, 3]");
            DependencyGraph dg = DependencyGraph.build(g);
            Group split = group(g, "embed", 2);
            assertThat(dg.problem(split)).get().asString()
                    .contains("node 'attn' (multihead_attention): attention needs whole heads");
        }
        try (Graph g = pruneMatchingMask(SequenceModelPruningTest::encoderBlock, "attn", 2, 3)) {
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("attn").attributes().getLong("embed_dim")).isEqualTo(4);
            assertThat(g.parameters().get("attn.in_proj_weight").shape()).isEqualTo(new Shape(12, 4));
            assertThat(g.parameters().get("head.weight").shape()).isEqualTo(new Shape(2, 4));
        }
    }

    @Test
    void attentionHeadSizePrunesEvenlyAcrossHeads() {
        try (Graph g = encoderBlock()) {
            group(g, "embed", 0, 2, 4).prune();
            assertThat(g.node("attn").attributes().getLong("num_heads")).isEqualTo(3);
            assertThat(g.node("attn").attributes().getLong("embed_dim")).isEqualTo(3);
            try (NDManager m = NDManager.newBaseManager()) {
                assertThat(new GraphExecutor(g)
                        .forward(new NDList(m.randomNormal(new Shape(2, 4, 5)))).head().getShape())
                        .isEqualTo(new Shape(2, 4, 2));
            }
        }
    }
}
