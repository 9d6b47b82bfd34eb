package ai.bonsai.core.depgraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.ops.Conv2dOp;
import ai.bonsai.core.testing.RandomGraphs;
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
 * Random groups on random graphs ({@link RandomGraphs}): a group that {@code checkPruningGroup}
 * refuses cannot be pruned; one it accepts prunes into a graph that runs with the same output
 * shape, has no empty dimension, counts its parameters from their new shapes, and computes what
 * the original computes with the pruned consumer input channels zeroed.
 *
 * <p>The equivalence holds whenever every {@code PRUNE_IN} member is a conv2d (not depthwise) or a
 * linear: between the root and those consumers the group's channels only pass through
 * channel-wise ops (batch norm, activations, add, concat, split, pooling, flatten), so they never
 * reach another channel except through the zeroed columns, whatever their values (a bias or a
 * batch norm does not matter).
 */
class RandomGraphPropertyTest {

    private static final int CASES = 600;
    private static final long BASE_SEED = 20_260_000L;

    private int refused;
    private int pruned;
    private int checked;

    @Test
    void prunedGraphsRunAndEqualTheMaskedOriginal() {
        for (int c = 0; c < CASES; c++) {
            runCase(BASE_SEED + c);
        }
        System.out.printf("RandomGraphPropertyTest: %d cases, %d refused, %d pruned, %d checked for equivalence%n",
                CASES, refused, pruned, checked);
        assertThat(refused + pruned).as("cases").isGreaterThanOrEqualTo(500);
        assertThat(pruned).as("pruned cases").isGreaterThanOrEqualTo(200);
        assertThat(checked).as("cases checked for equivalence").isGreaterThanOrEqualTo(50);
    }

    private void runCase(long seed) {
        try (Graph original = RandomGraphs.build(seed); Graph graph = RandomGraphs.build(seed);
                NDManager m = NDManager.newBaseManager()) {
            DependencyGraph dg = DependencyGraph.build(graph);
            Group group = randomGroup(dg, graph, new Random(seed));
            String context = "seed " + seed + ", group:\n" + group;
            if (!dg.checkPruningGroup(group)) {
                long before = OpCounter.count(graph).params();
                assertThatThrownBy(group::prune).as(context).isInstanceOf(PruningException.class);
                assertThat(OpCounter.count(graph).params()).as("%s: refused, yet edited", context)
                        .isEqualTo(before);
                refused++;
                return;
            }
            boolean equivalence = group.members().stream()
                    .filter(mb -> mb.handle() == PruningHandle.PRUNE_IN)
                    .allMatch(mb -> isDenseConvOrLinear(mb.node()));
            if (equivalence) {
                for (GroupMember member : group.members()) {
                    if (member.handle() == PruningHandle.PRUNE_IN) {
                        zeroInputs(original.node(member.node().name()), member.idxs());
                    }
                }
            }
            group.prune();
            pruned++;

            Shape outShape = original.outputs().get(0).shape();
            assertThat(graph.outputs().get(0).shape()).as(context).isEqualTo(outShape);
            assertNoEmptyDimension(graph, context);
            long params = graph.parameters().values().stream()
                    .filter(Parameter::trainable).mapToLong(p -> p.shape().size()).sum();
            assertThat(OpCounter.count(graph).params()).as(context).isEqualTo(params);

            NDArray x = m.randomNormal(original.inputs().get(0).shape());
            NDArray actual = new GraphExecutor(graph).forward(new NDList(x)).head();
            assertThat(actual.getShape()).as(context).isEqualTo(outShape);
            if (equivalence) {
                NDArray expected = new GraphExecutor(original).forward(new NDList(x)).head();
                float scale = Math.max(1f, expected.abs().max().getFloat());
                assertThat(actual.sub(expected).abs().max().getFloat()).as(context)
                        .isLessThan(1e-4f * scale);
                checked++;
            }
        }
    }

    /**
     * Picks a node with parameters, a handle and 1..n indices (all n one time in ten, which the
     * check must refuse).
     */
    private static Group randomGroup(DependencyGraph dg, Graph g, Random random) {
        List<Node> candidates = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!n.parameters().isEmpty()) {
                candidates.add(n);
            }
        }
        Node root = candidates.get(random.nextInt(candidates.size()));
        PruningHandle handle = random.nextBoolean() ? PruningHandle.PRUNE_OUT : PruningHandle.PRUNE_IN;
        int n = dg.channels(root, handle);
        int count = n == 1 || random.nextInt(10) == 0 ? n : 1 + random.nextInt(n - 1);
        List<Integer> idxs = new ArrayList<>();
        while (idxs.size() < count) {
            int i = random.nextInt(n);
            if (!idxs.contains(i)) {
                idxs.add(i);
            }
        }
        return dg.getPruningGroup(root, handle, IndexSet.of(idxs));
    }

    private static boolean isDenseConvOrLinear(Node node) {
        String op = node.op().name();
        return "linear".equals(op) || "conv2d".equals(op) && !Conv2dOp.isDepthwise(node);
    }

    private static void assertNoEmptyDimension(Graph g, String context) {
        for (Parameter p : g.parameters().values()) {
            assertThat(p.shape().getShape()).as("%s: parameter %s", context, p.name()).doesNotContain(0L);
        }
        for (Node n : g.nodes()) {
            for (Value v : n.outputs()) {
                assertThat(v.shape().getShape()).as("%s: value %s", context, v.name()).doesNotContain(0L);
            }
        }
    }

    /** Zeroes a conv/linear weight's input channels (columns) in place. */
    private static void zeroInputs(Node node, IndexSet idxs) {
        NDArray w = node.parameter("weight").array();
        float[] mask = new float[(int) w.getShape().get(1)];
        Arrays.fill(mask, 1f);
        idxs.stream().forEach(i -> mask[i] = 0f);
        long[] shape = new long[w.getShape().dimension()];
        Arrays.fill(shape, 1L);
        shape[1] = mask.length;
        try (NDArray mk = w.getManager().create(mask, new Shape(shape))) {
            w.muli(mk);
        }
    }
}
