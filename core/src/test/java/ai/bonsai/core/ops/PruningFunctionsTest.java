package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.testing.ConvAttributes.conv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Torch-Pruning's low-level functions, layer by layer, without DepGraph. */
class PruningFunctionsTest {

    private static final IndexSet IDXS = IndexSet.of(2, 6, 9);

    private static NDArray run(Graph g, NDManager m) {
        return new GraphExecutor(g).forward(new NDList(m.randomNormal(g.inputs().get(0).shape()))).head();
    }

    /** conv1 → bn → prelu → gn → in → dw → conv2 → flatten... as a chain of every norm kind. */
    private static DefaultGraph cnn() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 6, 6));
        Value h = b.batchNorm("bn", b.conv2d("conv1", x, 12, 3, 1, 1));
        h = b.op("prelu", "prelu", Attributes.of().with("num_parameters", 12), h);
        h = b.op("group_norm", "gn", Attributes.of().with("num_groups", 3).with("eps", 1e-5).with("affine", true), h);
        h = b.op("instance_norm", "in", Attributes.of().with("eps", 1e-5).with("affine", true), h);
        h = b.conv2d("dw", h, 12, 3, 1, 1, 1, 12, true);
        b.output(b.conv2d("conv2", h, 4, 1, 1, 0));
        return build(b);
    }

    @Test
    void pruningEveryCoupledLayerInTurnLeavesARunnableModel() {
        try (DefaultGraph g = cnn(); NDManager m = NDManager.newBaseManager()) {
            IndexSet perGroup = IndexSet.of(1, 5, 9);
            PruningFunctions.pruneConvOutChannels(g, "conv1", perGroup);
            PruningFunctions.pruneBatchnormOutChannels(g, "bn", perGroup);
            PruningFunctions.prunePreluInChannels(g, "prelu", perGroup);
            PruningFunctions.pruneGroupnormOutChannels(g, "gn", perGroup);
            PruningFunctions.pruneInstancenormInChannels(g, "in", perGroup);
            PruningFunctions.pruneDepthwiseConvInChannels(g, "dw", perGroup);
            PruningFunctions.pruneConvInChannels(g, "conv2", perGroup);
            g.refresh();
            assertThat(g.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(9, 3, 3, 3));
            assertThat(g.node("bn").parameter("running_var").shape()).isEqualTo(new Shape(9));
            assertThat(g.node("prelu").attributes().getLong("num_parameters")).isEqualTo(9);
            assertThat(g.node("gn").attributes().getLong("num_groups")).isEqualTo(3);
            assertThat(g.node("in").parameter("weight").shape()).isEqualTo(new Shape(9));
            assertThat(g.node("dw").attributes().getLong("groups")).isEqualTo(9);
            assertThat(g.node("conv2").parameter("weight").shape()).isEqualTo(new Shape(4, 9, 1, 1));
            assertThat(run(g, m).getShape()).isEqualTo(new Shape(1, 4, 6, 6));

            IndexSet again = IndexSet.of(0, 3, 6);
            PruningFunctions.pruneConvOutChannels(g, "conv1", again);
            PruningFunctions.pruneBatchnormInChannels(g, "bn", again);
            PruningFunctions.prunePreluOutChannels(g, "prelu", again);
            PruningFunctions.pruneGroupnormInChannels(g, "gn", again);
            PruningFunctions.pruneInstancenormOutChannels(g, "in", again);
            PruningFunctions.pruneDepthwiseConvOutChannels(g, "dw", again);
            PruningFunctions.pruneConvInChannels(g, "conv2", again);
            g.refresh();
            assertThat(g.node("dw").parameter("weight").shape()).isEqualTo(new Shape(6, 1, 3, 3));
            assertThat(g.node("gn").parameter("bias").shape()).isEqualTo(new Shape(6));
            assertThat(run(g, m).getShape()).isEqualTo(new Shape(1, 4, 6, 6));
        }
    }

    @Test
    void linearLayerNormEmbeddingAndParameterFunctions() {
        GraphBuilder b = builder();
        Value ids = b.input("ids", new Shape(1, 5));
        Value e = b.op("embedding", "emb", Attributes.of().with("num_embeddings", 7).with("embedding_dim", 12), ids);
        Value h = b.add("add", e, b.op("parameter", "pos", Attributes.of().with("shape", new long[] {1, 5, 12})));
        h = b.op("layer_norm", "ln", Attributes.of().with("normalized_shape", new long[] {12})
                .with("eps", 1e-5).with("elementwise_affine", true), h);
        b.output(b.linear("fc2", b.linear("fc1", h, 10), 3));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            PruningFunctions.pruneEmbeddingOutChannels(g, "emb", IDXS);
            PruningFunctions.pruneParameterInChannels(g, "pos", IDXS);
            PruningFunctions.pruneLayernormOutChannels(g, "ln", IDXS);
            PruningFunctions.pruneLinearInChannels(g, "fc1", IDXS);
            PruningFunctions.pruneLinearOutChannels(g, "fc1", IndexSet.of(0));
            PruningFunctions.pruneLinearInChannels(g, "fc2", IndexSet.of(0));
            g.refresh();
            PruningFunctions.pruneEmbeddingInChannels(g, "emb", IndexSet.of(0));
            PruningFunctions.pruneParameterOutChannels(g, "pos", IndexSet.of(0));
            PruningFunctions.pruneLayernormInChannels(g, "ln", IndexSet.of(0));
            PruningFunctions.pruneLinearInChannels(g, "fc1", IndexSet.of(0));
            g.refresh();
            assertThat(g.parameters().get("emb.weight").shape()).isEqualTo(new Shape(7, 8));
            assertThat(g.parameters().get("pos").shape()).isEqualTo(new Shape(1, 5, 8));
            assertThat(g.node("ln").attributes().getLongs("normalized_shape")).containsExactly(8);
            assertThat(g.parameters().get("fc1.weight").shape()).isEqualTo(new Shape(9, 8));
            assertThat(g.parameters().get("fc2.weight").shape()).isEqualTo(new Shape(3, 9));
            try (NDManager ids2 = m.newSubManager()) {
                NDArray out = new GraphExecutor(g).forward(new NDList(ids2.create(new float[] {0, 1, 2, 3, 6}, new Shape(1, 5)))).head();
                assertThat(out.getShape()).isEqualTo(new Shape(1, 5, 3));
            }
        }
    }

    @Test
    void indexOutOfRangeEveryChannelAndNoChannelSemanticsAreClearErrorsThatChangeNothing() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 4, 6, 6));
        Value grouped = b.op("conv_transpose2d", "grouped", conv(2, 8, 3, 1, 1, 2, false), x);
        b.output(b.conv2d("conv", grouped, 4, 1, 1, 0));
        try (DefaultGraph g = build(b)) {
            assertThatThrownBy(() -> PruningFunctions.pruneConvOutChannels(g, "conv", IndexSet.of(1, 4)))
                    .isInstanceOf(PruningException.class)
                    .hasMessage("pruneConvOutChannels on 'conv' (conv2d): index 4 is out of range for 4 channels");
            assertThatThrownBy(() -> PruningFunctions.pruneConvOutChannels(g, "conv", IndexSet.range(4)))
                    .isInstanceOf(PruningException.class)
                    .hasMessage("pruneConvOutChannels on 'conv' (conv2d): would remove all 4 channels; at least one must remain");
            assertThatThrownBy(() -> PruningFunctions.pruneConvInChannels(g, "conv", IndexSet.of(8)))
                    .isInstanceOf(PruningException.class)
                    .hasMessage("pruneConvInChannels on 'conv' (conv2d): index 8 is out of range for 8 channels");
            assertThatThrownBy(() -> PruningFunctions.pruneConvOutChannels(g, "grouped", IndexSet.of(0)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("'grouped' (conv_transpose2d): grouped convolution needs the same positions removed");
            assertThatThrownBy(() -> PruningFunctions.pruneLinearOutChannels(g, "conv", IndexSet.of(0)))
                    .isInstanceOf(PruningException.class)
                    .hasMessage("pruneLinearOutChannels: node 'conv' is a conv2d, not a linear");
            assertThatThrownBy(() -> PruningFunctions.pruneDepthwiseConvOutChannels(g, "conv", IndexSet.of(0)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageContaining("is not a depthwise convolution; use pruneConvOutChannels");
            assertThatThrownBy(() -> PruningFunctions.pruneConvInChannels(g, "nothere", IndexSet.of(0)))
                    .isInstanceOf(GraphException.class).hasMessageContaining("no node 'nothere'");
            assertThat(g.node("conv").parameter("weight").shape()).isEqualTo(new Shape(4, 8, 1, 1));
        }
    }

    @Test
    void refreshNamesTheFirstCoupledLayerNotPrunedYet() {
        try (DefaultGraph g = cnn()) {
            PruningFunctions.pruneConvOutChannels(g, "conv1", IDXS);
            assertThat(g.node("conv1").parameter("weight").shape()).isEqualTo(new Shape(9, 3, 3, 3));
            assertThatThrownBy(g::refresh).isInstanceOf(GraphException.class).hasMessageStartingWith("node 'bn'");
        }
    }

    @Test
    void aRefusalInsideTheOpTypeLeavesTheNodeUntouched() {
        try (DefaultGraph g = cnn()) {
            assertThatThrownBy(() -> PruningFunctions.pruneGroupnormOutChannels(g, "gn", IndexSet.of(0, 1)))
                    .isInstanceOf(PruningException.class).hasMessageContaining("'gn'");
            assertThat(g.node("gn").parameter("weight").shape()).isEqualTo(new Shape(12));
        }
    }

    @Test
    void lstmFunctionsPruneHiddenUnitsAndInputFeatures() {
        GraphBuilder b = builder();
        Value h = b.op("lstm", "rnn", LstmOpTest.lstm(4, 2, true, true), b.linear("embed", b.input("x", new Shape(1, 3, 2)), 5));
        b.output(b.linear("head", h, 2));
        try (DefaultGraph g = build(b); NDManager m = NDManager.newBaseManager()) {
            PruningFunctions.pruneLstmOutChannels(g, "rnn", IndexSet.of(0, 3));
            PruningFunctions.pruneLinearInChannels(g, "head", IndexSet.of(0, 3, 4, 7));
            PruningFunctions.pruneLinearOutChannels(g, "embed", IndexSet.of(1));
            PruningFunctions.pruneLstmInChannels(g, "rnn", IndexSet.of(1));
            g.refresh();
            assertThat(g.parameters().get("rnn.weight_ih_l0_reverse").shape()).isEqualTo(new Shape(8, 4));
            assertThat(g.parameters().get("rnn.weight_ih_l1").shape()).isEqualTo(new Shape(8, 4));
            assertThat(run(g, m).getShape()).isEqualTo(new Shape(1, 3, 2));
        }
    }

    @Test
    void attentionFunctionsPruneEmbeddingChannelsOrWholeHeads() {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, 3, 8));
        Value a = b.op("multihead_attention", "a", MultiheadAttentionOpTest.mha(8, 4), x);
        b.output(b.op("multihead_attention", "c", MultiheadAttentionOpTest.mha(8, 4), a));
        try (DefaultGraph g = build(b)) {
            PruningFunctions.pruneMultiheadAttentionHeads(g, "a", IndexSet.of(0, 3));
            PruningFunctions.pruneMultiheadAttentionInChannels(g, "c", IndexSet.of(0, 1, 6, 7));
            assertThat(g.node("a").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("c").attributes().getLong("num_heads")).isEqualTo(2);
            PruningFunctions.pruneMultiheadAttentionOutChannels(g, "c", IndexSet.of(0, 2));
            assertThat(g.node("c").attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node("c").attributes().getLong("embed_dim")).isEqualTo(2);
            assertThatThrownBy(() -> PruningFunctions.pruneMultiheadAttentionOutChannels(g, "a", IndexSet.of(0)))
                    .isInstanceOf(PruningException.class)
                    .hasMessageStartingWith("pruneMultiheadAttentionOutChannels on 'a' (multihead_attention): node 'a'");
        }
    }
}
