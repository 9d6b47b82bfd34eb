package ai.bonsai.yolo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random groups rooted in the backbone and neck of the fixture (C2f splits with unequal pieces,
 * SPPF's concat of one tensor and its pools, the neck's upsample + concat): a group that passes
 * {@code checkPruningGroup} prunes into a model that computes exactly what the original computes
 * with the pruned channels zeroed at their convolution consumers; a group that reaches the
 * Detect outputs or the DFL is refused.
 */
class MaskedEquivalenceTest {

    private static final int CASES = 10;

    @Test
    void prunedEqualsOriginalWithConsumerInputsZeroed() {
        Random random = new Random(8);
        int checked = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = YoloFixture.images(m);
            for (int c = 0; c < CASES; c++) {
                try (Graph original = YoloFixture.read(); Graph pruned = YoloFixture.read()) {
                    DependencyGraph dg = DependencyGraph.build(pruned);
                    Group group = randomGroup(dg, pruned, random);
                    if (!dg.checkPruningGroup(group)) {
                        assertThatThrownBy(group::prune).isInstanceOf(PruningException.class);
                        continue;
                    }
                    for (GroupMember member : group.members()) {
                        assertThat(member.node().name()).as("%s", group)
                                .doesNotMatch("model\\.22\\.(cv[23]\\.\\d\\.2|dfl|decode)");
                        if (member.handle() == PruningHandle.PRUNE_IN
                                && "conv2d".equals(member.node().op().name())) {
                            zeroInputs(original.node(member.node().name()), member.idxs());
                        }
                    }
                    group.prune();
                    NDArray expected = new GraphExecutor(original).forward(new NDList(x)).head();
                    NDArray actual = new GraphExecutor(pruned).forward(new NDList(x)).head();
                    assertThat(actual.getShape()).isEqualTo(new Shape(1, 12, 525));
                    assertThat(YoloFixture.boxDiff(actual, expected)).as("%s", group).isLessThan(1e-3f);
                    assertThat(YoloFixture.scoreDiff(actual, expected)).as("%s", group).isLessThan(1e-5f);
                    checked++;
                }
            }
        }
        assertThat(checked).as("groups checked").isGreaterThanOrEqualTo(CASES / 2);
    }

    @Test
    void groupsReachingTheDetectOutputsAreRefused() {
        try (Graph g = YoloFixture.read()) {
            DependencyGraph dg = DependencyGraph.build(g);
            for (String root : List.of("model.22.cv2.0.2", "model.22.cv3.2.2")) {
                Group group = dg.getPruningGroup(g.node(root), PruningHandle.PRUNE_OUT, IndexSet.of(List.of(0)));
                assertThat(dg.checkPruningGroup(group)).as(root).isFalse();
            }
        }
    }

    private static Group randomGroup(DependencyGraph dg, Graph g, Random random) {
        List<Node> candidates = new ArrayList<>();
        for (Node n : g.nodes()) {
            if ("conv2d".equals(n.op().name()) && !n.name().startsWith("model.22.")) {
                candidates.add(n);
            }
        }
        while (true) {
            Node root = candidates.get(random.nextInt(candidates.size()));
            int n = dg.channels(root, PruningHandle.PRUNE_OUT);
            if (n < 2) {
                continue;
            }
            int count = 1 + random.nextInt(Math.min(n - 1, 8));
            List<Integer> idxs = new ArrayList<>();
            while (idxs.size() < count) {
                int i = random.nextInt(n);
                if (!idxs.contains(i)) {
                    idxs.add(i);
                }
            }
            return dg.getPruningGroup(root, PruningHandle.PRUNE_OUT, IndexSet.of(idxs));
        }
    }

    /** Zeroes a convolution's input channels in place. */
    private static void zeroInputs(Node node, IndexSet idxs) {
        NDArray w = node.parameter("weight").array();
        float[] mask = new float[(int) w.getShape().get(1)];
        Arrays.fill(mask, 1f);
        idxs.stream().forEach(i -> mask[i] = 0f);
        try (NDArray m = w.getManager().create(mask, new Shape(1, mask.length, 1, 1))) {
            w.muli(m);
        }
    }
}
