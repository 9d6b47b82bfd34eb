package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningException;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random groups on imported models: a group that DepGraph accepts and that prunes (attention
 * refuses channels that are neither whole heads nor the same count per head) gives an ONNX file
 * that runs in ONNX Runtime to the pruned graph's DJL output; where pruning is equivalent to
 * masking (every pruned channel ends at a conv or linear input: tiny_resnet, the shuffle unit; or
 * whole heads and head dims of an attention, which keeps its scale: the encoder attention), the
 * pruned graph also computes exactly what the original computes with the group masked
 * ({@code Group.mask()}). In tiny_vit a LayerNorm's statistics change when channels leave it, so
 * there only the file is checked.
 */
class OnnxRandomGroupPropertyTest {

    private static final int CASES = 4;
    private static final int HEADS = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"tiny_resnet, true", "shuffle_unit, true", "encoder_attention, true", "tiny_vit, false"})
    void acceptedGroupsPruneIntoFilesThatRunAndEqualTheMaskedOriginal(String model, boolean maskEquivalent)
            throws Exception {
        Path source = switch (model) {
            case "shuffle_unit" -> OnnxChannelShuffleTest.shuffleUnit(dir);
            case "encoder_attention" -> OnnxEncoderAttentionTest.model(dir, true);
            default -> OnnxFixtures.onnx(model);
        };
        Random random = new Random(model.hashCode());
        int accepted = 0;
        for (int c = 0; c < 4 * CASES && accepted < CASES; c++) {
            try (Graph pruned = OnnxFixtures.read(source); Graph masked = OnnxFixtures.read(source);
                    NDManager m = NDManager.newBaseManager()) {
                DependencyGraph dg = DependencyGraph.build(pruned);
                Choice choice = choose(dg, pruned, random);
                Group group = dg.getPruningGroup(choice.root, choice.handle, choice.idxs);
                if (!dg.checkPruningGroup(group)) {
                    continue;
                }
                try {
                    group.prune();
                } catch (PruningException refused) {
                    continue;
                }
                accepted++;
                NDList x = new NDList();
                Map<String, NDArray> named = new HashMap<>();
                for (Value in : pruned.inputs()) {
                    x.add(m.randomNormal(in.shape()));
                    named.put(in.name(), x.get(x.size() - 1));
                }
                NDArray actual = new GraphExecutor(pruned).forward(x).head();
                float scale = Math.max(1f, actual.abs().max().getFloat());
                Path written = dir.resolve(model + "_" + c + ".onnx");
                new OnnxFormat().write(pruned, written);
                assertThat(Ort.maxAbsDiff(Ort.run(written, named), actual.toFloatArray()))
                        .as("%s in ONNX Runtime, group:%n%s", model, group).isLessThan(1e-4f * scale);
                if (maskEquivalent) {
                    DependencyGraph.build(masked).getPruningGroup(masked.node(choice.root.name()), choice.handle,
                            choice.idxs).mask();
                    NDArray expected = new GraphExecutor(masked).forward(x).head();
                    assertThat(actual.sub(expected).abs().max().getFloat())
                            .as("%s pruned vs masked, group:%n%s", model, group).isLessThan(1e-4f * scale);
                }
            }
        }
        assertThat(accepted).as("accepted groups of " + model).isEqualTo(CASES);
    }

    private static List<Integer> distinct(Random random, int bound, int count) {
        List<Integer> values = new ArrayList<>();
        while (values.size() < count) {
            int i = random.nextInt(bound);
            if (!values.contains(i)) {
                values.add(i);
            }
        }
        return values;
    }

    /** A random root, handle and channel set. */
    private record Choice(Node root, PruningHandle handle, IndexSet idxs) {
    }

    /**
     * Half of the draws take the same channels from each of 4 equal parts of the channels (what
     * attention accepts for its 4 heads), the others up to 8 channels anywhere.
     */
    private static Choice choose(DependencyGraph dg, Graph g, Random random) {
        List<Node> candidates = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!n.parameters().isEmpty() && !n.op().name().startsWith("onnx_")) {
                candidates.add(n);
            }
        }
        while (true) {
            Node root = candidates.get(random.nextInt(candidates.size()));
            PruningHandle handle = random.nextBoolean() ? PruningHandle.PRUNE_OUT : PruningHandle.PRUNE_IN;
            int n = dg.channels(root, handle);
            if (n < 2 || dg.pinnedReason(root, handle).isPresent()) {
                continue;
            }
            if (n % HEADS == 0 && n > HEADS && random.nextBoolean()) {
                List<Integer> offsets = distinct(random, n / HEADS, 1 + random.nextInt(Math.min(n / HEADS - 1, 3)));
                List<Integer> idxs = new ArrayList<>();
                for (int h = 0; h < HEADS; h++) {
                    for (int j : offsets) {
                        idxs.add(h * n / HEADS + j);
                    }
                }
                return new Choice(root, handle, IndexSet.of(idxs));
            }
            return new Choice(root, handle, IndexSet.of(distinct(random, n, 1 + random.nextInt(Math.min(n - 1, 8)))));
        }
    }
}
