package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.pruner.PruningBudget;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.BudgetResult;
import ai.bonsai.core.pruner.BudgetSearch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A MACs budget on ResNet-50 is met, and overshot by less than 1 %. */
class BudgetSearchResNet50Test {

    @Test
    void macsTargetIsMetWithinOnePercent() {
        long target = 2_000_000_000L;
        BudgetResult r = BudgetSearch.search(() -> TestGraphs.build("resnet50"),
                PruningConfig.builder()
                        .setImportance(new MagnitudeImportance())
                        .optIgnoredLayers(List.of("fc"))
                        .optBudget(PruningBudget.macs(target))
                        .build());
        try (var g = r.graph()) {
            System.out.println("ResNet-50 budget search: " + r);
            assertThat(r.before()).isEqualTo(4_121_925_096L);
            assertThat(r.achieved()).isEqualTo(OpCounter.count(g).macs())
                    .isLessThanOrEqualTo(target)
                    .isGreaterThanOrEqualTo((long) (target * 0.99));
        }
    }
}
