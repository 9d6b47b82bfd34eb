package ai.bonsai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.plugin.PluginHost;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The bisection over the pruning ratio lands just inside the MACs budget. */
class MacsBudgetTest {

    private static final Supplier<Graph> FRESH = () -> SmallResNet.fashionMnist()
            .build(PluginHost.classpathOnly().newGraphBuilder("small_resnet", 3));

    private static long macs(double ratio) {
        try (Graph g = FRESH.get()) {
            Variant.magnitude().prune(g, ratio);
            return OpCounter.count(g).macs();
        }
    }

    @Test
    void smallestRatioWithinHalfTheMacs() {
        long base;
        try (Graph g = FRESH.get()) {
            base = OpCounter.count(g).macs();
        }

        double ratio = new MacsBudget(0.5, 0.9).ratio(FRESH, Variant.magnitude());

        assertThat(macs(ratio)).isLessThanOrEqualTo(base / 2).isGreaterThan(base * 2 / 5);
        assertThat(macs(ratio - 0.9 / (1 << 13))).isGreaterThan(base / 2);
    }
}
