package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.IndexSet;
import ai.bonsai.api.prune.PruningHandle;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.count.OpCounter;
import ai.bonsai.core.depgraph.DependencyGraph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.ops.AttentionOp;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny Swin Transformer ({@link TinySwin}) through ONNX: window partition and reverse as
 * reshapes that fold windows into the batch dimension, window attention with the packed qkv
 * projection and the relative position bias per head as core {@code attention} plus an {@code
 * onnx_relative_position_bias}, the shifted block's roll and mask, and patch merging, all without an
 * opaque node; it runs equal to ONNX Runtime, prunes by whole heads and hidden sizes, and the
 * pruned file, whose bias tables lost the removed heads' columns, runs equal to DJL.
 */
class OnnxSwinTest {

    private static final String[] ATTENTIONS = {"layers.0.blocks.0.attn", "layers.0.blocks.1.attn",
        "layers.1.blocks.0.attn"};

    @TempDir
    Path dir;

    @Test
    void importsWindowAttentionWithItsRelativeBiasAndRunsAsOnnxRuntime() throws Exception {
        Path model = TinySwin.write(dir.resolve("tiny_swin.onnx"));
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.nodes()).extracting(n -> n.op().name()).doesNotContain("onnx_opaque");
            assertThat(g.nodes()).filteredOn(n -> n.op().name().equals("attention")).extracting(Node::name)
                    .containsExactly(ATTENTIONS);
            assertThat(g.nodes()).filteredOn(n -> n.op().name().equals(OnnxRelativePositionBiasOp.NAME))
                    .extracting(n -> n.parameter("table").name()).containsExactly(
                            ATTENTIONS[0] + ".relative_position_bias.table", ATTENTIONS[1] + ".relative_position_bias.table",
                            ATTENTIONS[2] + ".relative_position_bias.table");
            assertThat(g.node(ATTENTIONS[1]).inputs().get(3).shape()).isEqualTo(new Shape(4, 2, 4, 4));
            assertThat(g.node(ATTENTIONS[1]).attributes().getLong("mask_windows")).isEqualTo(4);
            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            float diff = Ort.maxAbsDiff(djl, Ort.run(model, "input", x));
            assertThat(diff).isLessThan(1e-4f);
            System.out.printf("tiny Swin: DJL vs ONNX Runtime max |diff| %.2e%n", diff);
        }
    }

    @Test
    void torchvisionsRunTimePaddingUnpaddingAndMaskFoldAndThePrunedFileRuns() throws Exception {
        Path model = TinySwin.writeTorchvision(dir.resolve("tiny_swin_tv.onnx"));
        ModelProto source = ModelProto.parseFrom(Files.readAllBytes(model));
        assertThat(source.getGraph().getNodeList()).extracting(n -> n.getOpType())
                .contains("Mod", "Pad", "ScatterND", "ConstantOfShape", "Where", "Not");
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(g.metadata().get(OnnxMetadata.OPAQUE_NODES)).isEmpty();
            assertThat(g.nodes()).extracting(n -> n.op().name()).doesNotContain("onnx_opaque", "pad");
            assertThat(g.nodes()).filteredOn(n -> n.op().name().equals("attention")).extracting(Node::name)
                    .containsExactly(ATTENTIONS);
            assertThat(g.node(ATTENTIONS[1]).inputs().get(3).shape()).isEqualTo(new Shape(4, 2, 4, 4));
            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            float diff = Ort.maxAbsDiff(djl, Ort.run(model, "input", x));
            System.out.printf("tiny Swin (torchvision export): DJL vs ONNX Runtime max |diff| %.2e%n", diff);
            assertThat(diff).isLessThan(1e-4f);
            try (Graph plain = OnnxFixtures.read(TinySwin.write(dir.resolve("tiny_swin.onnx")))) {
                assertThat(g.nodes()).as("the padding, unpadding and mask leave no node")
                        .extracting(n -> n.op().name()).containsExactlyElementsOf(plain.nodes().stream()
                                .map(n -> n.op().name()).toList());
                float[] same = new GraphExecutor(plain).forward(new NDList(x)).head().toFloatArray();
                assertThat(Ort.maxAbsDiff(djl, same)).as("the same function as the constant-mask fixture")
                        .isLessThan(1e-5f);
            }

            pruneHeadsAndWidths(g);
            assertThat(OpCounter.count(g).params()).isEqualTo(params(5, 4, 10, 16, 12, 8, 24)
                    + TABLE_ROWS * (1 + 1 + 2));
            Path written = dir.resolve("tiny_swin_tv.pruned.onnx");
            new OnnxFormat().write(g, written);
            float[] pruned = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            float prunedDiff = Ort.maxAbsDiff(Ort.run(written, "input", x), pruned);
            System.out.printf("tiny Swin (torchvision export) pruned: ONNX Runtime vs DJL max |diff| %.2e%n",
                    prunedDiff);
            assertThat(prunedDiff).isLessThan(1e-4f);
        }
    }

    @Test
    void prunesWholeHeadsWithTheirBiasColumnsAndHiddenSizesIntoAFileThatRuns() throws Exception {
        Path model = TinySwin.write(dir.resolve("tiny_swin.onnx"));
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(OpCounter.count(g).params()).isEqualTo(params(TinySwin.C1, 8, 16, 16, TinySwin.C2, 16, 32)
                    + TABLE_ROWS * (2 + 2 + 4));
            pruneHeadsAndWidths(g);

            assertThat(g.node(ATTENTIONS[0] + ".relative_position_bias").parameter("table").shape())
                    .isEqualTo(new Shape(9, 1));
            assertThat(g.node(ATTENTIONS[2] + ".relative_position_bias").parameter("table").shape())
                    .isEqualTo(new Shape(9, 2));
            assertThat(g.node(ATTENTIONS[2]).attributes().getLong("num_heads")).isEqualTo(2);
            assertThat(g.node(ATTENTIONS[0] + ".qkv").parameter("weight").shape()).isEqualTo(new Shape(12, 5));
            assertThat(g.node("layers.0.downsample.reduction").parameter("weight").shape())
                    .isEqualTo(new Shape(12, 20));
            assertThat(OpCounter.count(g).params()).isEqualTo(params(5, 4, 10, 16, 12, 8, 24)
                    + TABLE_ROWS * (1 + 1 + 2));

            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            Path written = dir.resolve("tiny_swin.pruned.onnx");
            new OnnxFormat().write(g, written);
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            float diff = Ort.maxAbsDiff(Ort.run(written, "input", x), djl);
            assertThat(diff).isLessThan(1e-4f);
            System.out.printf("tiny Swin pruned %d -> %d params: ONNX Runtime vs DJL max |diff| %.2e%n",
                    params(TinySwin.C1, 8, 16, 16, TinySwin.C2, 16, 32) + TABLE_ROWS * 8, OpCounter.count(g).params(), diff);
            ModelProto file = ModelProto.parseFrom(Files.readAllBytes(written));
            assertThat(file.getGraph().getInitializerList()).filteredOn(t -> t.getName().endsWith("bias_table"))
                    .extracting(t -> t.getDimsList()).containsExactly(List.of(9L, 1L), List.of(9L, 1L), List.of(9L, 2L));
            assertThat(file.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("Gather")
                    && n.getInput(0).endsWith("bias_table")).hasSize(3);
        }
    }

    /**
     * The rows of a 2×2 window's relative position bias table, (2·2 − 1)², one column per head. The
     * shifted block's window mask is a constant, not a parameter.
     */
    private static final long TABLE_ROWS = 9;

    @Test
    void thePrunedFileKeepsTheSymbolicBatchShiftedWindowsIncluded() throws Exception {
        Path model = TinySwin.write(dir.resolve("tiny_swin.onnx"));
        Path written = dir.resolve("tiny_swin.pruned.onnx");
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            pruneHeadsAndWidths(g);
            new OnnxFormat().write(g, written);
            for (int batch : new int[] {1, 3}) {
                NDArray x = m.randomNormal(new Shape(batch, 3, 8, 8));
                float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
                assertThat(djl).hasSize(batch * TinySwin.CLASSES);
                assertThat(Ort.maxAbsDiff(Ort.run(written, "input", x), djl)).as("batch %d", batch).isLessThan(1e-4f);
            }
        }
        GraphProto file = ModelProto.parseFrom(Files.readAllBytes(written)).getGraph();
        assertThat(file.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        Map<String, TensorProto> constants = file.getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
        // the window partitions [B, 2, 2, 2, 2, 5] -> [B·4, 4, 5] and their reverses infer the first length
        assertThat(file.getNodeList()).filteredOn(n -> n.getOpType().equals("Reshape"))
                .extracting(n -> longs(constants.get(n.getInput(1))))
                .contains(List.of(-1L, 4L, 5L), List.of(-1L, 2L, 2L, 2L, 2L, 5L));
    }

    private static List<Long> longs(TensorProto t) {
        if (t.getInt64DataCount() > 0) {
            return t.getInt64DataList();
        }
        LongBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        List<Long> values = new ArrayList<>();
        while (raw.hasRemaining()) {
            values.add(raw.get());
        }
        return values;
    }

    @Test
    void theDefaultPrunerKeepsAttentionWidthsAndHalvesTheRest() throws Exception {
        Path model = TinySwin.write(dir.resolve("tiny_swin.onnx"));
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            OnnxParityTest.prune(g, "head");
            // 50 % of a head's dims would take every head of the bias table: the attention groups stay whole
            assertThat(g.node(ATTENTIONS[0] + ".qkv").parameter("weight").shape()).isEqualTo(new Shape(24, 4));
            assertThat(g.node(ATTENTIONS[2] + ".relative_position_bias").parameter("table").shape())
                    .isEqualTo(new Shape(9, 4));
            assertThat(g.node("layers.0.downsample.reduction").parameter("weight").shape()).isEqualTo(new Shape(8, 16));
            assertThat(g.node("layers.1.blocks.0.mlp.fc1").parameter("weight").shape()).isEqualTo(new Shape(16, 8));
            assertThat(OpCounter.count(g).params()).isEqualTo(params(4, 8, 8, 8, 8, 16, 16) + TABLE_ROWS * 8);
            Path written = dir.resolve("tiny_swin.half.onnx");
            new OnnxFormat().write(g, written);
            NDArray x = m.randomNormal(new Shape(1, 3, 8, 8));
            assertThat(Ort.maxAbsDiff(Ort.run(written, "input", x),
                    new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray())).isLessThan(1e-4f);
        }
    }

    @Test
    void theMetaPrunerRemovesWholeHeadsDeclaredOnThePackedQkvProjections() throws Exception {
        Path model = TinySwin.write(dir.resolve("tiny_swin.onnx"));
        try (Graph g = OnnxFixtures.read(model); NDManager m = NDManager.newBaseManager()) {
            // Torch-Pruning's Swin setting: num_heads[m.qkv] = m.num_heads, whole heads at 50 %, no head dims
            new MetaPruner().start(g, PruningConfig.builder().setImportance(new MagnitudeImportance())
                    .optRatio(0.5).optIgnoredLayers(List.of("head"))
                    .optNumHeads("layers.0.blocks.*.attn.qkv", 2).optNumHeads("layers.1.blocks.*.attn.qkv", 4)
                    .optPruneNumHeads(true).optPruneHeadDims(false).optHeadRatio(0.5).build()).step();

            long[] heads = {1, 1, 2};
            for (int i = 0; i < ATTENTIONS.length; i++) {
                assertThat(g.node(ATTENTIONS[i]).attributes().getLong("num_heads")).as(ATTENTIONS[i]).isEqualTo(heads[i]);
                assertThat(g.node(ATTENTIONS[i] + ".relative_position_bias").parameter("table").shape())
                        .isEqualTo(new Shape(TABLE_ROWS, heads[i]));
            }
            // whole heads of 4: q, k and v rows of each kept head; hidden and MLP widths halved
            assertThat(g.node(ATTENTIONS[0] + ".qkv").parameter("weight").shape()).isEqualTo(new Shape(12, 4));
            assertThat(g.node(ATTENTIONS[2] + ".qkv").parameter("weight").shape()).isEqualTo(new Shape(24, 8));
            assertThat(g.node(ATTENTIONS[2] + ".proj").parameter("weight").shape()).isEqualTo(new Shape(8, 8));
            assertThat(OpCounter.count(g).params()).isEqualTo(params(4, 4, 8, 8, 8, 8, 16) + TABLE_ROWS * (1 + 1 + 2));

            Path written = dir.resolve("tiny_swin.heads.onnx");
            new OnnxFormat().write(g, written);
            NDArray x = m.randomNormal(new Shape(2, 3, 8, 8));
            float[] djl = new GraphExecutor(g).forward(new NDList(x)).head().toFloatArray();
            float diff = Ort.maxAbsDiff(Ort.run(written, "input", x), djl);
            assertThat(diff).isLessThan(1e-4f);
            System.out.printf("tiny Swin, 50 %% of heads and widths: %d params, ONNX Runtime vs DJL max |diff| %.2e%n",
                    OpCounter.count(g).params(), diff);
        }
    }

    /** Removes heads 1, 0 and {1, 3} of the three attentions, 3 of 8 and 4 of 16 hidden channels, MLP widths. */
    private static void pruneHeadsAndWidths(Graph g) {
        DependencyGraph dg = DependencyGraph.build(g);
        int[][] heads = {{1}, {0}, {1, 3}};
        for (int i = 0; i < ATTENTIONS.length; i++) {
            Node attn = g.node(ATTENTIONS[i]);
            prune(dg, attn, AttentionOp.headChannels(attn, IndexSet.of(heads[i])));
        }
        prune(dg, g.node("patch_embed.proj"), IndexSet.of(0, 3, 5));
        prune(dg, g.node("layers.0.downsample.reduction"), IndexSet.of(2, 7, 9, 11));
        prune(dg, g.node("layers.0.blocks.0.mlp.fc1"), IndexSet.range(6));
        prune(dg, g.node("layers.1.blocks.0.mlp.fc1"), IndexSet.range(8));
    }

    private static void prune(DependencyGraph dg, Node root, IndexSet idxs) {
        Group group = dg.getPruningGroup(root, PruningHandle.PRUNE_OUT, idxs);
        assertThat(dg.checkPruningGroup(group)).as(group.toString()).isTrue();
        group.prune();
    }

    /**
     * The parameters of the tiny Swin at the given sizes but the bias tables (added by the caller):
     * patch embedding and its norm, two stage-1 blocks, patch merging (norm, reduction without
     * bias), the stage-2 block, the final norm and the head.
     *
     * @param c1 stage 1's channels
     * @param a1 stage 1's attention width (heads × 4)
     * @param m0 block 0's MLP width
     * @param m1 block 1's MLP width
     * @param c2 stage 2's channels
     * @param a2 stage 2's attention width
     * @param m2 stage 2's MLP width
     * @return the count
     */
    private static long params(long c1, long a1, long m0, long m1, long c2, long a2, long m2) {
        long embed = c1 * 3 * 2 * 2 + c1 + 2 * c1;
        long merge = 2 * 4 * c1 + 4 * c1 * c2;
        long head = 2 * c2 + c2 * TinySwin.CLASSES + TinySwin.CLASSES;
        return embed + block(c1, a1, m0) + block(c1, a1, m1) + merge + block(c2, a2, m2) + head;
    }

    /** norm1, qkv, proj, norm2, fc1, fc2 of a block of c channels, attention width a and MLP width m. */
    private static long block(long c, long a, long m) {
        return 2 * c + c * 3 * a + 3 * a + a * c + c + 2 * c + c * m + m + m * c + c;
    }
}
