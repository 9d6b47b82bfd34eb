package ai.bonsai.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.ops.Conv2dOp;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random roots, handles and index sets on real architectures: a group that passes
 * {@code checkPruningGroup} prunes into a graph that runs, and since every pruned channel ends at
 * a conv or linear input, the pruned model computes exactly what the original computes with those
 * consumer input channels zeroed. Slow (about a minute: 100 ResNet-18/MobileNetV2 builds and
 * forwards); core's {@code RandomGraphPropertyTest} checks the same property on small random
 * graphs in every build.
 */
@Tag("slow")
class RandomGroupPropertyTest {

    private static final int CASES = 25;
    private static final Shape INPUT = new Shape(1, 3, 64, 64);

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "mobilenet_v2"})
    void prunedEqualsMaskedOriginal(String architecture) {
        Random random = new Random(architecture.hashCode());
        int checked = 0;
        for (int c = 0; c < CASES; c++) {
            try (Graph original = build(architecture); Graph pruned = build(architecture);
                    NDManager m = NDManager.newBaseManager()) {
                DependencyGraph dg = DependencyGraph.build(pruned);
                Group group = randomGroup(dg, pruned, random);
                if (!dg.checkPruningGroup(group)) {
                    assertThatThrownBy(group::prune).isInstanceOf(PruningException.class);
                    continue;
                }
                for (GroupMember member : group.members()) {
                    if (member.handle() == PruningHandle.PRUNE_IN) {
                        assertThat(member.node().op().name()).isIn("conv2d", "linear");
                        zeroInputs(original.node(member.node().name()), member.idxs());
                    }
                }
                group.prune();
                NDArray x = m.randomNormal(INPUT);
                NDArray expected = new GraphExecutor(original).forward(new NDList(x)).head();
                NDArray actual = new GraphExecutor(pruned).forward(new NDList(x)).head();
                assertThat(actual.getShape()).isEqualTo(expected.getShape());
                float scale = Math.max(1f, expected.abs().max().getFloat());
                assertThat(actual.sub(expected).abs().max().getFloat())
                        .as("%s, group:%n%s", architecture, group)
                        .isLessThan(1e-4f * scale);
                checked++;
            }
        }
        assertThat(checked).as("groups checked for equivalence").isGreaterThanOrEqualTo(CASES / 2);
    }

    private static Graph build(String architecture) {
        return new TorchvisionAdapter().build(ModelSpec.of(architecture, INPUT),
                PluginHost.classpathOnly().newGraphBuilder(architecture, 11));
    }

    private static Group randomGroup(DependencyGraph dg, Graph g, Random random) {
        List<Node> candidates = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!n.parameters().isEmpty()) {
                candidates.add(n);
            }
        }
        while (true) {
            Node root = candidates.get(random.nextInt(candidates.size()));
            PruningHandle handle = random.nextBoolean() ? PruningHandle.PRUNE_OUT : PruningHandle.PRUNE_IN;
            int n = dg.channels(root, handle);
            if (n < 2 || (handle == PruningHandle.PRUNE_IN && dg.pinnedReason(root, handle).isPresent())) {
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
            return dg.getPruningGroup(root, handle, IndexSet.of(idxs));
        }
    }

    /** Zeroes a conv/linear weight's input channels (columns) in place. */
    private static void zeroInputs(Node node, IndexSet idxs) {
        if ("conv2d".equals(node.op().name()) && Conv2dOp.isDepthwise(node)) {
            throw new AssertionError("depthwise convs are coupled, never pruned on their input");
        }
        NDArray w = node.parameter("weight").array();
        float[] mask = new float[(int) w.getShape().get(1)];
        java.util.Arrays.fill(mask, 1f);
        idxs.stream().forEach(i -> mask[i] = 0f);
        long[] shape = new long[w.getShape().dimension()];
        java.util.Arrays.fill(shape, 1L);
        shape[1] = mask.length;
        try (NDArray m = w.getManager().create(mask, new Shape(shape))) {
            w.muli(m);
        }
    }
}
