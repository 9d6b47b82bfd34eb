package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static ai.bonsai.core.ops.OpTesting.forward;
import static ai.bonsai.core.ops.OpTesting.set;
import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.ChannelSlot;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingOpTest {

    private static final float[] TABLE = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};

    private static DefaultGraph embeddingGraph() {
        GraphBuilder b = builder();
        Value y = b.op("embedding", "emb", Attributes.of().with("num_embeddings", 4)
                .with("embedding_dim", 3), b.input("ids", new Shape(2, 2)));
        b.output(b.linear("fc", y, 5));
        DefaultGraph g = build(b);
        set(g, "emb", "weight", TABLE, new Shape(4, 3));
        return g;
    }

    @Test
    void declaresTheTableAndAppendsTheEmbeddingDimension() {
        try (DefaultGraph g = embeddingGraph()) {
            assertThat(g.parameters().get("emb.weight").shape()).isEqualTo(new Shape(4, 3));
            assertThat(g.node("emb").output().shape()).isEqualTo(new Shape(2, 2, 3));
        }
    }

    @Test
    void forwardLooksUpTheRowOfEachIndex() {
        try (DefaultGraph g = embeddingGraph(); NDManager m = NDManager.newBaseManager()) {
            assertValues(forward(g.node("emb"), false,
                    m.create(new long[] {3, 0, 1, 3}, new Shape(2, 2))), new Shape(2, 2, 3),
                    30, 31, 32, 0, 1, 2, 10, 11, 12, 30, 31, 32);
            assertValues(forward(g.node("emb"), false,
                    m.create(new float[] {2, 1}, new Shape(2))),
                    new Shape(2, 3), 20, 21, 22, 10, 11, 12);
        }
    }

    @Test
    void onlyTheOutputsLastDimensionCarriesChannels() {
        try (DefaultGraph g = embeddingGraph()) {
            Node node = g.node("emb");
            assertThat(node.op().channels(node)).isEqualTo(new ChannelSemantics(
                    Coupling.INDEPENDENT, 0, 3, List.of(ChannelSlot.NONE), List.of(ChannelSlot.at(2))));
            assertThat(node.output().channelDim()).isEqualTo(2);
        }
    }

    @Test
    void pruningOutputChannelsRemovesTableColumns() {
        try (DefaultGraph g = embeddingGraph()) {
            IndexSet idxs = IndexSet.of(1);
            g.node("emb").op().pruneOut(editor(g, "emb"), idxs);
            g.node("fc").op().pruneIn(editor(g, "fc"), idxs);
            g.refresh();
            Node node = g.node("emb");
            assertValues(node.parameter("weight").array(), new Shape(4, 2),
                    0, 2, 10, 12, 20, 22, 30, 32);
            assertThat(node.attributes().getLong("embedding_dim")).isEqualTo(2);
            assertThat(node.output().shape()).isEqualTo(new Shape(2, 2, 2));
            assertThat(node.op().macs(node)).isZero();
        }
    }
}
