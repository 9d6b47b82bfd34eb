package ai.bonsai.core.pruner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.pruner.PruningBudget;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.testing.ConvChain;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetSearchTest {

    private static PruningConfig.Builder config() {
        return PruningConfig.builder().setImportance(new MagnitudeImportance())
                .optIgnoredLayers(List.of("fc"));
    }

    private static long macsAt(double ratio) {
        try (Graph g = ConvChain.build()) {
            new MetaPruner().start(g, config().optRatio(ratio).build()).step();
            return OpCounter.count(g).macs();
        }
    }

    @Test
    void findsTheSmallestRatioThatMeetsAMacsTarget() {
        long before;
        try (Graph g = ConvChain.build()) {
            before = OpCounter.count(g).macs();
        }
        long target = before / 3;
        BudgetResult r = BudgetSearch.search(ConvChain::build,
                config().optBudget(PruningBudget.macs(target)).build());
        try (Graph g = r.graph()) {
            assertThat(r.before()).isEqualTo(before);
            assertThat(r.achieved()).isEqualTo(OpCounter.count(g).macs()).isLessThanOrEqualTo(target);
            assertThat(macsAt(r.ratio())).isEqualTo(r.achieved());
            assertThat(macsAt(r.ratio() - 0.001)).as("a slightly lower ratio misses the target")
                    .isGreaterThan(target);
            assertThat(r.toString()).contains("macs").contains("at ratio");
        }
    }

    @Test
    void aParameterTargetCountsParameters() {
        BudgetResult r = BudgetSearch.search(ConvChain::build,
                config().optBudget(PruningBudget.params(1000)).build());
        try (Graph g = r.graph()) {
            ModelCost c = OpCounter.count(g);
            assertThat(c.params()).isEqualTo(r.achieved()).isLessThanOrEqualTo(1000);
        }
    }

    @Test
    void aTargetAlreadyMetPrunesNothingAndAnUnreachableOneFails() {
        BudgetResult r = BudgetSearch.search(ConvChain::build,
                config().optBudget(PruningBudget.macs(Long.MAX_VALUE)).build());
        try (Graph g = r.graph()) {
            assertThat(r.ratio()).isZero();
            assertThat(r.achieved()).isEqualTo(r.before());
        }
        assertThatThrownBy(() -> BudgetSearch.search(ConvChain::build,
                config().optBudget(PruningBudget.macs(1)).build()))
                .isInstanceOf(PruningException.class).hasMessageContaining("out of reach");
    }

    @Test
    void theMetaPrunerPointsABudgetToTheSearch() {
        try (Graph g = ConvChain.build()) {
            assertThatThrownBy(() -> new MetaPruner().start(g,
                    config().optBudget(PruningBudget.macs(100)).build()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("pruner.budget")
                    .hasMessageContaining("BudgetSearch");
        }
    }
}
