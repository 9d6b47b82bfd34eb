package ai.bonsai.core.pruner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.api.pruner.PruningRun;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.testing.ConvChain;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetaPrunerTest {

    private static Graph chain() {
        return ConvChain.build();
    }

    private static PruningConfig.Builder config() {
        return PruningConfig.builder().setImportance(new MagnitudeImportance())
                .optIgnoredLayers(List.of("fc"));
    }

    private static long out(Graph g, String node) {
        return g.node(node).parameter("weight").shape().get(0);
    }

    private static void runs(Graph g) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList y = new GraphExecutor(g).forward(new NDList(m.randomNormal(new Shape(1, 3, 8, 8))));
            assertThat(y.head().getShape()).isEqualTo(new Shape(1, 4));
        }
    }

    @Test
    void iterativeStepsFollowALinearSchedule() {
        try (Graph g = chain()) {
            PruningRun run = new MetaPruner().start(g, config().optRatio(0.5).optSteps(2).build());
            run.step();
            assertThat(List.of(out(g, "a"), out(g, "b"), out(g, "c"))).containsExactly(12L, 12L, 6L);
            run.step();
            assertThat(List.of(out(g, "a"), out(g, "b"), out(g, "c"))).containsExactly(8L, 8L, 4L);
            assertThat(run.hasNextStep()).isFalse();
            assertThatThrownBy(run::step).isInstanceOf(PruningException.class)
                    .hasMessage("all 2 steps have been taken");
            assertThat(g.node("fc").parameter("weight").shape()).isEqualTo(new Shape(4, 4));
            runs(g);
        }
    }

    @Test
    void roundToKeepsAMultipleOfChannels() {
        try (Graph g = chain()) {
            new MetaPruner().start(g, config().optRatio(0.3).optRoundTo(4).build()).step();
            assertThat(out(g, "a")).isEqualTo(8);
            assertThat(out(g, "c")).isEqualTo(4);
        }
    }

    @Test
    void patternRatiosAndIgnoredLayersApplyByName() {
        try (Graph g = chain()) {
            new MetaPruner().start(g, config().optRatio(0.5).optRatio("b", 0.25)
                    .optIgnoredLayers(List.of("c")).build()).step();
            assertThat(List.of(out(g, "a"), out(g, "b"), out(g, "c"))).containsExactly(8L, 12L, 8L);
        }
    }

    @Test
    void maxPruningRatioCapsTheRatio() {
        try (Graph g = chain()) {
            new MetaPruner().start(g, config().optRatio(0.9).optMaxPruningRatio(0.5).build()).step();
            assertThat(out(g, "a")).isEqualTo(8);
        }
    }

    @Test
    void extremeRatiosNeverEmptyALayer() {
        try (Graph g = chain()) {
            PruningRun run = new MetaPruner().start(g, config().optRatio(0.99).optSteps(3).build());
            while (run.hasNextStep()) {
                run.step();
            }
            assertThat(List.of(out(g, "a"), out(g, "b"), out(g, "c"))).allMatch(n -> n >= 1);
            runs(g);
        }
    }

    @Test
    void interactiveStepsLetTheCallerChoose() {
        try (Graph g = chain()) {
            Iterator<Group> groups = new MetaPruner().start(g, config().optRatio(0.5).build())
                    .stepInteractive();
            int seen = 0;
            while (groups.hasNext()) {
                Group group = groups.next();
                seen++;
                if (!group.root().node().name().equals("b")) {
                    group.prune();
                }
            }
            assertThat(seen).isEqualTo(3);
            assertThat(List.of(out(g, "a"), out(g, "b"), out(g, "c"))).containsExactly(8L, 16L, 4L);
            runs(g);
        }
    }

    @Test
    void configReportsEveryInvalidField() {
        assertThatThrownBy(() -> PruningConfig.builder().optRatio(1.2).optSteps(0).build())
                .hasMessage("pruner.importance: required; pruner.ratio: must be in [0, 1), found 1.2;"
                        + " pruner.steps: must be at least 1, found 0");
    }
}
