package ai.bonsai.core.importance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.graph.DefaultGraph;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.Weights;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class MagnitudeImportanceTest {


    @Test
    void scoresAnAffineLayerNormThroughItsOutputLikeABatchNorm() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("test", 7);
        Value h = b.linear("fc", b.input("x", new Shape(1, 2)), 3);
        h = b.op("layer_norm", "ln", Attributes.of().with("normalized_shape", new long[] {3})
                .with("eps", 1e-5).with("elementwise_affine", true), h);
        b.output(b.linear("out", h, 2));
        try (DefaultGraph g = (DefaultGraph) b.build()) {
            Weights.set(g, "fc", "weight", new float[] {1, 0, 0, 1, 1, 1}, new Shape(3, 2));
            Weights.set(g, "ln", "weight", new float[] {1, 3, -2}, new Shape(3));
            Weights.set(g, "out", "weight", new float[6], new Shape(2, 3));
            Group group = DependencyGraph.build(g)
                    .getPruningGroup(g.node("fc"), PruningHandle.PRUNE_OUT, IndexSet.range(3));
            double[] scores = MagnitudeImportance.builder().optNormalizer(Normalizer.NONE).build()
                    .score(group).orElseThrow();
            // (|fc row|^2 + |gamma|^2 + |out column|^2) / 3 scored members
            assertThat(scores).containsExactly(new double[] {2.0 / 3, 10.0 / 3, 6.0 / 3},
                    within(1e-6));
        }
    }
}
