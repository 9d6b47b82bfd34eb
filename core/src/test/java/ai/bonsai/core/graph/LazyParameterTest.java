package ai.bonsai.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.RowReader;
import ai.bonsai.api.graph.RowSource;
import ai.bonsai.api.graph.SourceSelection;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Parameters supplied through {@code GraphBuilder.parameterSource}: read when needed, again after release. */
class LazyParameterTest {

    private static final float[] W1 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private final AtomicInteger reads = new AtomicInteger();

    /** input [1, 3] -> fc1 (3 -> 4, lazy weight) -> fc2 (4 -> 2). */
    private DefaultGraph build() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("lazy", 3);
        b.parameterSource("fc1.weight", new Shape(4, 3), DataType.FLOAT32, () -> {
            reads.incrementAndGet();
            return b.manager().create(W1, new Shape(4, 3));
        });
        b.output(b.linear("fc2", b.linear("fc1", b.input("x", new Shape(1, 3)), 4, false), 2, false));
        return (DefaultGraph) b.build();
    }

    @Test
    void nothingIsReadUntilTheDataIsNeeded() {
        try (DefaultGraph g = build(); NDManager m = NDManager.newBaseManager()) {
            DefaultParameter w = (DefaultParameter) g.parameters().get("fc1.weight");
            assertThat(w.isLazy()).isTrue();
            assertThat(w.isMaterialized()).isFalse();
            assertThat(w.shape()).isEqualTo(new Shape(4, 3));
            assertThat(w.dataType()).isEqualTo(DataType.FLOAT32);
            assertThat(reads.get()).isZero();
            new GraphExecutor(g).forward(new NDList(m.ones(new Shape(1, 3))));
            new GraphExecutor(g).forward(new NDList(m.ones(new Shape(1, 3))));
            assertThat(reads.get()).isEqualTo(1);
        }
    }

    @Test
    void pruningARecordsTheSelectionAndReleaseReadsAgain() {
        try (DefaultGraph g = build()) {
            Parameter w = g.parameters().get("fc1.weight");
            DependencyGraph dg = DependencyGraph.build(g);
            dg.getPruningGroup(g.node("fc1"), PruningHandle.PRUNE_OUT, IndexSet.of(0, 2)).prune();
            assertThat(reads.get()).isZero();
            assertThat(w.shape()).isEqualTo(new Shape(2, 3));
            assertThat(w.array().toFloatArray()).containsExactly(4, 5, 6, 10, 11, 12);
            w.release();
            assertThat(((DefaultParameter) w).isMaterialized()).isFalse();
            assertThat(w.array().toFloatArray()).containsExactly(4, 5, 6, 10, 11, 12);
            assertThat(reads.get()).isEqualTo(2);
        }
    }

    @Test
    void theSourceSelectionNamesTheLoaderAndTheKeptSourceIndicesWhileTheDataIsNotInMemory() {
        try (DefaultGraph g = build()) {
            Parameter w = g.parameters().get("fc1.weight");
            DependencyGraph dg = DependencyGraph.build(g);
            dg.getPruningGroup(g.node("fc1"), PruningHandle.PRUNE_OUT, IndexSet.of(0, 2)).prune();
            dg.getPruningGroup(g.node("fc1"), PruningHandle.PRUNE_OUT, IndexSet.of(1)).prune();
            SourceSelection s = w.sourceSelection().orElseThrow();
            assertThat(s.sourceShape()).isEqualTo(new Shape(4, 3));
            assertThat(s.kept(0)).containsExactly(1);
            assertThat(s.kept(1)).isNull();
            assertThat(s.shape()).isEqualTo(w.shape());
            assertThat(s.loader().get().toFloatArray()).containsExactly(W1);
            w.array();
            assertThat(w.sourceSelection()).isEmpty();
            w.release();
            assertThat(w.sourceSelection().orElseThrow().kept(0)).containsExactly(1);
            assertThat(g.parameters().get("fc2.weight").sourceSelection()).isEmpty();
        }
    }

    @Test
    void rowsStreamFromARowSourceWithoutReadingTheTensorUntilColumnsArePruned() {
        StreamingLoader loader = new StreamingLoader();
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("rows", 3);
        loader.builder = b;
        b.parameterSource("fc2.weight", new Shape(2, 4), DataType.FLOAT32, loader);
        b.output(b.linear("fc2", b.linear("fc1", b.input("x", new Shape(1, 3)), 4, false), 2, false));
        try (DefaultGraph g = (DefaultGraph) b.build()) {
            DefaultParameter w = (DefaultParameter) g.parameters().get("fc2.weight");
            float[] row = new float[4];
            try (RowReader rows = w.rows()) {
                rows.read(1, row);
            }
            assertThat(row).containsExactly(5, 6, 7, 8);
            assertThat(loader.rowReads).isEqualTo(1);
            assertThat(loader.reads).isZero();
            assertThat(w.isMaterialized()).isFalse();
            DependencyGraph.build(g).getPruningGroup(g.node("fc1"), PruningHandle.PRUNE_OUT, IndexSet.of(1)).prune();
            float[] pruned = new float[3];
            try (RowReader rows = w.rows()) {
                rows.read(1, pruned);
            }
            assertThat(pruned).containsExactly(5, 7, 8);
            assertThat(loader.reads).isEqualTo(1);
            assertThat(loader.rowReads).isEqualTo(1);
        }
    }

    /** A loader of [[1, 2, 3, 4], [5, 6, 7, 8]] that also streams rows, counting both kinds of read. */
    private static final class StreamingLoader implements Supplier<NDArray>, RowSource {

        private static final float[] W2 = {1, 2, 3, 4, 5, 6, 7, 8};

        private GraphBuilder builder;
        private int reads;
        private int rowReads;

        @Override
        public NDArray get() {
            reads++;
            return builder.manager().create(W2, new Shape(2, 4));
        }

        @Override
        public RowReader rows() {
            return (row, dst) -> {
                rowReads++;
                System.arraycopy(W2, row * dst.length, dst, 0, dst.length);
            };
        }
    }

    @Test
    void pruningDataInMemoryKeepsChangesMadeInPlace() {
        try (DefaultGraph g = build()) {
            Parameter w = g.parameters().get("fc1.weight");
            w.array().muli(2);
            DependencyGraph.build(g).getPruningGroup(g.node("fc1"), PruningHandle.PRUNE_OUT, IndexSet.of(1)).prune();
            assertThat(((DefaultParameter) w).isLazy()).isFalse();
            w.release();
            assertThat(w.array().toFloatArray()).containsExactly(2, 4, 6, 14, 16, 18, 20, 22, 24);
            assertThat(reads.get()).isEqualTo(1);
        }
    }

    @Test
    void aSourceWithTheWrongShapeOrNoNodeIsRefused() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("bad", 0);
        b.parameterSource("fc.weight", new Shape(3, 3), DataType.FLOAT32, () -> b.manager().zeros(new Shape(3, 3)));
        Shape in = new Shape(1, 3);
        assertThatThrownBy(() -> b.linear("fc", b.input("x", in), 2, false))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("parameter 'fc.weight' is supplied as float32 (3, 3), the node expects float32 (2, 3)");
        GraphBuilder c = PluginHost.classpathOnly().newGraphBuilder("unused", 0);
        c.parameterSource("nowhere.weight", new Shape(1), DataType.FLOAT32, () -> c.manager().zeros(new Shape(1)));
        c.output(c.input("x", in));
        assertThatThrownBy(c::build).hasMessage("graph 'unused': no node declares the supplied parameter(s) [nowhere.weight]");
    }
}
