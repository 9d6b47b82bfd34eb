package ai.bonsai.core.ops;

import static ai.bonsai.core.ops.OpTesting.assertValues;
import static ai.bonsai.core.ops.OpTesting.build;
import static ai.bonsai.core.ops.OpTesting.builder;
import static ai.bonsai.core.ops.OpTesting.editor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.ChannelSemantics;
import ai.bonsai.api.op.Coupling;
import ai.bonsai.api.op.IndexMapping;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.graph.DefaultGraph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelShuffleOpTest {

    /** The shuffle on the input itself (no channel dimension), or on a conv's output channels. */
    private static DefaultGraph shuffle(int channels, long[] perm, boolean afterConv) {
        GraphBuilder b = builder();
        Value x = b.input("x", new Shape(1, channels, 1, 2));
        if (afterConv) {
            x = b.conv2d("conv", x, channels, 1, 1, 0);
        }
        b.output(b.op("channel_shuffle", "shuffle", Attributes.of().with("perm", perm), x));
        return build(b);
    }

    @Test
    void shuffleOrderIsShuffleNetsViewTransposeReshape() {
        assertThat(ChannelShuffleOp.shuffle(6, 2)).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(ChannelShuffleOp.shuffle(6, 3)).containsExactly(0, 2, 4, 1, 3, 5);
        try (DefaultGraph g = shuffle(6, ChannelShuffleOp.shuffle(6, 2), false);
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = OpTesting.arange(m, new Shape(1, 6, 1, 2));
            NDArray expected = x.reshape(1, 2, 3, 1, 2).transpose(0, 2, 1, 3, 4).reshape(1, 6, 1, 2);
            NDArray y = new GraphExecutor(g).forward(new NDList(x)).head();
            assertValues(y, new Shape(1, 6, 1, 2), expected.toFloatArray());
        }
    }

    @Test
    void theOutputSlotMapsThroughThePermutation() {
        try (DefaultGraph g = shuffle(6, ChannelShuffleOp.shuffle(6, 2), true)) {
            ChannelSemantics sem = g.node("shuffle").op().channels(g.node("shuffle"));
            assertThat(sem.coupling()).isEqualTo(Coupling.COUPLED);
            assertThat(sem.inputs().get(0).mapping()).isEqualTo(IndexMapping.IDENTITY);
            IndexMapping out = sem.outputs().get(0).mapping();
            assertThat(out).isEqualTo(new IndexMapping.Permutation(new int[] {0, 3, 1, 4, 2, 5}));
            List<Integer> spaces = new ArrayList<>();
            out.toSpace(1, spaces::add);
            assertThat(spaces).containsExactly(3);
            assertThat(out.fromSpace(3)).isEqualTo(1);
            assertThat(out.fromSpace(2)).isEqualTo(4);
        }
    }

    @Test
    void pruningKeepsTheOriginalOrderOfTheKeptChannels() {
        try (DefaultGraph g = shuffle(6, ChannelShuffleOp.shuffle(6, 2), true)) {
            g.node("shuffle").op().pruneIn(editor(g, "shuffle"), IndexSet.of(1, 5));
            assertThat(g.node("shuffle").attributes().getLongs("perm")).containsExactly(0, 2, 3, 1);
        }
    }

    @Test
    void withoutChannelsInDimensionOneNothingCouplesThroughIt() {
        try (DefaultGraph g = shuffle(6, ChannelShuffleOp.shuffle(6, 2), false)) {
            ChannelSemantics sem = g.node("shuffle").op().channels(g.node("shuffle"));
            assertThat(sem.inputs().get(0).carriesChannels()).isFalse();
            assertThat(sem.outputs().get(0).carriesChannels()).isFalse();
        }
    }

    @Test
    void aPermWithRepeatsOrTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> shuffle(3, new long[] {0, 0, 1}, false)).isInstanceOf(GraphException.class)
                .hasMessageContaining("perm: not a permutation of 0..2: [0, 0, 1]");
        assertThatThrownBy(() -> shuffle(3, new long[] {0, 1}, false)).isInstanceOf(GraphException.class)
                .hasMessageContaining("perm has 2 entries, the input (1, 3, 1, 2) has 3 channels");
    }
}
