package ai.bonsai.core.pruner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankingScopeTest {

    @Test
    void aLocalScopeTakesItsLowestScoresWithTiesInPositionOrder() {
        RankingScope scope = new RankingScope(false, 0.5);
        scope.add(new double[] {3, 1, 1, 2}, 1);
        assertThat(scope.select(4, 1)).containsExactly(new int[] {1, 2});
    }

    @Test
    void aSharedScopeCutsEveryGroupAtOneThreshold() {
        RankingScope scope = new RankingScope(true, 0.5);
        scope.add(new double[] {0.1, 0.9, 0.2}, 1);
        scope.add(new double[] {0.8, 0.3, 0.7}, 1);
        // n = 6 - int(6 · 0.5) = 3: threshold 0.3
        List<int[]> chosen = scope.select(6, 1);
        assertThat(chosen.get(0)).containsExactly(0, 2);
        assertThat(chosen.get(1)).containsExactly(1);
    }

    @Test
    void theInitialSizeOfTheScopeSetsTheCount() {
        RankingScope scope = new RankingScope(false, 0.5);
        scope.add(new double[] {5, 4, 3, 2, 1, 0}, 1);
        // second step of a run that started with 8 channels: 6 - int(8 · 0.5) = 2
        assertThat(scope.select(8, 1)).containsExactly(new int[] {4, 5});
    }

    @Test
    void roundToRoundsTheChannelsLeftDown() {
        RankingScope scope = new RankingScope(false, 0.3);
        scope.add(new double[] {8, 7, 6, 5, 4, 3, 2, 1, 0, 9}, 1);
        // n = 10 - int(10 · 0.7) = 3, left 7 rounded down to 4: 6 go
        assertThat(scope.select(10, 4)).containsExactly(new int[] {3, 4, 5, 6, 7, 8});
    }

    @Test
    void roundToCountsEveryChannelGroup() {
        RankingScope four = new RankingScope(false, 0.5);
        four.add(new double[] {5, 4, 3, 2, 1, 0}, 4);
        RankingScope eight = new RankingScope(false, 0.5);
        eight.add(new double[] {5, 4, 3, 2, 1, 0}, 8);
        // 3 of 6 positions left in 4 groups (12 channels): a multiple of 8 needs an even count
        // of positions, 2; in 8 groups any count gives a multiple of 8, so 3 stay
        assertThat(four.select(6, 8)).containsExactly(new int[] {2, 3, 4, 5});
        assertThat(eight.select(6, 8)).containsExactly(new int[] {3, 4, 5});
    }
}
