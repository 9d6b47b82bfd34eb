package ai.bonsai.onnx;

import static ai.bonsai.onnx.OnnxModels.integer;
import static ai.bonsai.onnx.OnnxModels.ints;
import static ai.bonsai.onnx.OnnxModels.node;
import static ai.bonsai.onnx.OnnxModels.real;
import static ai.bonsai.onnx.OnnxModels.value;
import static ai.bonsai.onnx.OnnxModels.weight;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tiny Swin Transformer written as PyTorch exports timm's and torchvision's models (opset 17):
 * patch embedding (Conv 3→8, 2×2 stride 2, LayerNorm) on an 8×8 image, stage 1 (8 channels, 2
 * heads, window 2 on 4×4 tokens: a regular block and a block shifted by 1, with {@code roll} as
 * Slice + Concat and the shifted windows' mask), patch merging (four strided Slices, Concat,
 * LayerNorm, Linear 32→16 without bias), stage 2 (16 channels, 4 heads, one window of 2×2), final
 * LayerNorm, average pool and a 5-class head. Each block: LayerNorm, window partition (Reshape,
 * Transpose, Reshape into [B·nW, N, C]), packed qkv Linear, Reshape [B', N, 3, H, D], Transpose (2,
 * 0, 3, 1, 4), Gathers, q·scale, MatMul with kᵀ, relative position bias (Gather of the [9, H] table,
 * Reshape, Transpose, Unsqueeze), the mask's Reshapes and Add, Softmax, MatMul with v, Transpose,
 * Reshape, proj Linear, window reverse, residual, MLP (Linear C→2C, Relu, Linear 2C→C), residual.
 * The first block computes its bias before the window partition (torchvision's order), the others
 * after the scores (timm's). The input and output have a symbolic batch dimension {@code batch};
 * the window reshapes hold the sizes of a batch of 1, as a tracer writes them.
 * <p>The torchvision variant ({@link #writeTorchvision}) adds what torch.onnx writes for
 * torchvision's {@code shifted_window_attention}: in every block the padding to a multiple of the
 * window ({@code Shape → Gather → Mod → Sub → Mod}, the pads list reordered by {@code Concat,
 * Reshape, Slice} with step −1{@code , Transpose, Reshape}, then {@code Pad}; all zero here), the
 * unpad {@code x[:, :H, :W, :]} as Slices whose ends come from the Shape of the block's input, and
 * in the shifted block the mask built at run time: {@code ConstantOfShape} of the padded (H, W), one
 * {@code ScatterND} per region with constant indices and an {@code Expand}ed count, the window
 * view and permute, the pairwise {@code Sub}, and the masked_fills as {@code Equal/Not/Where}.
 */
final class TinySwin {

    /** Stage 1's channels. */
    static final int C1 = 8;
    /** Stage 2's channels. */
    static final int C2 = 16;
    /** The window size of both stages. */
    static final int WINDOW = 2;
    /** The classes of the head. */
    static final int CLASSES = 5;

    private final GraphProto.Builder g = GraphProto.newBuilder();
    private final boolean torchvision;
    private long seed = 1;
    private final Set<String> names = new HashSet<>();
    private int temp;

    private TinySwin(boolean torchvision) {
        this.torchvision = torchvision;
    }

    /**
     * Writes the model.
     *
     * @param file the file
     * @return the file
     */
    static Path write(Path file) {
        return write(file, false);
    }

    /**
     * Writes the torchvision variant: the same weights and function, with the run-time padding,
     * unpadding and shifted-window mask sub-graphs torch.onnx writes for torchvision's swin_t.
     *
     * @param file the file
     * @return the file
     */
    static Path writeTorchvision(Path file) {
        return write(file, true);
    }

    private static Path write(Path file, boolean torchvision) {
        TinySwin s = new TinySwin(torchvision);
        s.g.addInput(symbolicBatch(value("input", 1, 3, 8, 8))).addOutput(symbolicBatch(value("output", 1, CLASSES)));
        s.constants();
        String x = s.conv("patch_embed.proj", "input");
        x = s.op("Transpose", "/patch_embed/Transpose", List.of(x), ints("perm", 0, 2, 3, 1));
        x = s.layerNorm("patch_embed.norm", x, C1);
        x = s.block("layers.0.blocks.0", x, C1, 2, 4, 0, true);
        x = s.block("layers.0.blocks.1", x, C1, 2, 4, 1, false);
        x = s.merge("layers.0.downsample", x);
        x = s.block("layers.1.blocks.0", x, C2, 4, 2, 0, false);
        x = s.layerNorm("norm", x, C2);
        x = s.op("Transpose", "/Transpose", List.of(x), ints("perm", 0, 3, 1, 2));
        x = s.op("GlobalAveragePool", "/avgpool/GlobalAveragePool", List.of(x));
        x = s.op("Flatten", "/Flatten", List.of(x), integer("axis", 1));
        s.g.addInitializer(weight("head.weight", s.seed++, CLASSES, C2))
                .addInitializer(weight("head.bias", s.seed++, CLASSES))
                .addNode(node("Gemm", "/head/Gemm", List.of(x, "head.weight", "head.bias"), List.of("output"),
                        integer("transB", 1)));
        return OnnxModels.save(OnnxModels.model(s.g, 17), file);
    }

    private void constants() {
        g.addInitializer(scalar("i0", 0)).addInitializer(scalar("i1", 1)).addInitializer(scalar("i2", 2))
                .addInitializer(OnnxModels.int64s("axes0", 0)).addInitializer(OnnxModels.int64s("axis1", 1))
                .addInitializer(OnnxModels.int64s("axis2", 2)).addInitializer(OnnxModels.int64s("zero", 0))
                .addInitializer(OnnxModels.int64s("end", Long.MAX_VALUE))
                .addInitializer(OnnxModels.int64s("axes12", 1, 2)).addInitializer(OnnxModels.int64s("steps22", 2, 2))
                .addInitializer(OnnxModels.int64s("rel_index", relativeIndex()))
                .addInitializer(scalar("window", WINDOW))
                .addInitializer(OnnxModels.int64s("minus1", -1)).addInitializer(OnnxModels.int64s("pair", -1, 2))
                .addInitializer(OnnxModels.int64s("back", -Long.MAX_VALUE))
                .addInitializer(OnnxModels.floats("pad_value", new long[0], 0f))
                .addInitializer(OnnxModels.floats("f0", new long[0], 0f))
                .addInitializer(OnnxModels.floats("f100", new long[0], -100f))
                .addInitializer(OnnxModels.floats("scale", new long[0], (float) Math.pow(4, -0.5)));
        if (!torchvision) {
            g.addInitializer(OnnxModels.floats("shift_mask", new long[] {1, 4, 1, 4, 4}, shiftMask()));
        }
    }

    private static ValueInfoProto symbolicBatch(ValueInfoProto v) {
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).clearDimValue()
                .setDimParam("batch");
        return b.build();
    }

    private static TensorProto scalar(String name, long v) {
        return TensorProto.newBuilder().setName(name).setDataType(7).addInt64Data(v).build();
    }

    /**
     * Swin's relative position index of a 2×2 window: token pair (i, j) reads table row {@code
     * (ri − rj + 1)·3 + (ci − cj + 1)}.
     */
    static long[] relativeIndex() {
        int n = WINDOW * WINDOW;
        long[] idx = new long[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                idx[i * n + j] = (long) (i / WINDOW - j / WINDOW + WINDOW - 1) * (2 * WINDOW - 1)
                        + (i % WINDOW - j % WINDOW + WINDOW - 1);
            }
        }
        return idx;
    }

    /**
     * The mask of 4×4 tokens shifted by 1 in windows of 2 (timm's {@code attn_mask}): regions rows
     * {0, 1}, {2}, {3} × the same columns; -100 between tokens of different regions of a window.
     */
    static float[] shiftMask() {
        int[] region = {0, 0, 1, 2};
        int n = WINDOW * WINDOW;
        float[] mask = new float[4 * n * n];
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int ri = (w / 2) * 2 + i / 2;
                    int ci = (w % 2) * 2 + i % 2;
                    int rj = (w / 2) * 2 + j / 2;
                    int cj = (w % 2) * 2 + j % 2;
                    boolean same = region[ri] == region[rj] && region[ci] == region[cj];
                    mask[(w * n + i) * n + j] = same ? 0f : -100f;
                }
            }
        }
        return mask;
    }

    private String op(String type, String name, List<String> in, AttributeProto... attrs) {
        String out = "t" + temp++;
        String unique = name;
        for (int i = 1; !names.add(unique); i++) {
            unique = name + "_" + i;
        }
        g.addNode(node(type, unique, in, List.of(out), attrs));
        return out;
    }

    private String conv(String module, String x) {
        g.addInitializer(weight(module + ".weight", seed++, C1, 3, 2, 2))
                .addInitializer(weight(module + ".bias", seed++, C1));
        return op("Conv", "/" + module + "/Conv", List.of(x, module + ".weight", module + ".bias"),
                ints("kernel_shape", 2, 2), ints("strides", 2, 2));
    }

    private String layerNorm(String module, String x, int c) {
        g.addInitializer(OnnxModels.positive(module + ".weight", seed++, c))
                .addInitializer(weight(module + ".bias", seed++, c));
        return op("LayerNormalization", "/" + module + "/LayerNormalization",
                List.of(x, module + ".weight", module + ".bias"), integer("axis", -1), real("epsilon", 1e-5f));
    }

    private String linear(String module, String x, int in, int out, boolean bias) {
        g.addInitializer(weight(module + ".weight_t", seed++, in, out));
        String y = op("MatMul", "/" + module + "/MatMul", List.of(x, module + ".weight_t"));
        if (!bias) {
            return y;
        }
        g.addInitializer(weight(module + ".bias", seed++, out));
        return op("Add", "/" + module + "/Add", List.of(y, module + ".bias"));
    }

    private String shape(String what, long... dims) {
        String name = what + "_" + temp++;
        g.addInitializer(OnnxModels.int64s(name, dims));
        return name;
    }

    /** torch.roll along dims 1 and 2 by {@code shift} (negative: towards the start). */
    private String roll(String scope, String x, int shift, int size) {
        String y = x;
        for (String axis : List.of("axis1", "axis2")) {
            int s = Math.floorMod(-shift, size);
            String tail = op("Slice", scope + "/Slice", List.of(y, shape("s", s), "end", axis));
            String head = op("Slice", scope + "/Slice", List.of(y, "zero", shape("e", s), axis));
            y = op("Concat", scope + "/Concat", List.of(tail, head), integer("axis", axis.equals("axis1") ? 1 : 2));
        }
        return y;
    }

    private String block(String module, String x, int c, int heads, int res, int shift, boolean biasFirst) {
        String scope = "/" + module;
        String attn = module + ".attn";
        String a = "/" + attn;
        int side = res / WINDOW;
        int windows = side * side;
        int n = WINDOW * WINDOW;
        int d = c / heads;
        g.addInitializer(weight(attn + ".relative_position_bias_table", seed++, 9, heads));
        String bias = null;
        if (biasFirst) {
            bias = bias(a, attn, heads, n);
        }
        String y = layerNorm(module + ".norm1", x, c);
        String unpadded = y;
        if (torchvision) {
            y = pad(scope, y);
        }
        String padded = y;
        if (shift > 0) {
            y = roll(scope + "/roll", y, -shift, res);
        }
        y = op("Reshape", scope + "/Reshape", List.of(y, shape("p", 1, side, WINDOW, side, WINDOW, c)));
        y = op("Transpose", scope + "/Transpose", List.of(y), ints("perm", 0, 1, 3, 2, 4, 5));
        y = op("Reshape", scope + "/Reshape_1", List.of(y, shape("w", -1, n, c)));
        String qkv = linear(attn + ".qkv", y, c, 3 * c, true);
        String packed = op("Reshape", a + "/Reshape", List.of(qkv, shape("qkv", windows, n, 3, heads, d)));
        packed = op("Transpose", a + "/Transpose", List.of(packed), ints("perm", 2, 0, 3, 1, 4));
        String q = op("Gather", a + "/Gather", List.of(packed, "i0"), integer("axis", 0));
        String k = op("Gather", a + "/Gather_1", List.of(packed, "i1"), integer("axis", 0));
        String v = op("Gather", a + "/Gather_2", List.of(packed, "i2"), integer("axis", 0));
        q = op("Mul", a + "/Mul", List.of(q, "scale"));
        k = op("Transpose", a + "/Transpose_1", List.of(k), ints("perm", 0, 1, 3, 2));
        String scores = op("MatMul", a + "/MatMul", List.of(q, k));
        if (!biasFirst) {
            bias = bias(a, attn, heads, n);
        }
        scores = op("Add", a + "/Add", List.of(scores, bias));
        if (shift > 0) {
            scores = op("Reshape", a + "/Reshape_1", List.of(scores, shape("m", -1, windows, heads, n, n)));
            scores = op("Add", a + "/Add_1", List.of(scores, torchvision ? mask(a, padded, res, shift) : "shift_mask"));
            scores = op("Reshape", a + "/Reshape_2", List.of(scores, shape("m", -1, heads, n, n)));
        }
        String weights = op("Softmax", a + "/Softmax", List.of(scores), integer("axis", -1));
        String out = op("MatMul", a + "/MatMul_1", List.of(weights, v));
        out = op("Transpose", a + "/Transpose_2", List.of(out), ints("perm", 0, 2, 1, 3));
        out = op("Reshape", a + "/Reshape_3", List.of(out, shape("o", windows, n, c)));
        out = linear(attn + ".proj", out, c, c, true);
        out = op("Reshape", scope + "/Reshape_2", List.of(out, shape("r", -1, side, side, WINDOW, WINDOW, c)));
        out = op("Transpose", scope + "/Transpose_1", List.of(out), ints("perm", 0, 1, 3, 2, 4, 5));
        out = op("Reshape", scope + "/Reshape_3", List.of(out, shape("r", -1, res, res, c)));
        if (shift > 0) {
            out = roll(scope + "/roll_1", out, shift, res);
        }
        if (torchvision) {
            out = unpad(scope, out, unpadded);
        }
        x = op("Add", scope + "/Add", List.of(x, out));
        y = layerNorm(module + ".norm2", x, c);
        y = linear(module + ".mlp.fc1", y, c, 2 * c, true);
        y = op("Relu", scope + "/mlp/act/Relu", List.of(y));
        y = linear(module + ".mlp.fc2", y, 2 * c, c, true);
        return op("Add", scope + "/Add_1", List.of(x, y));
    }

    /** {@code Unsqueeze(Gather(Shape(x), axis))}: one traced dimension as a 1-element list. */
    private String dim(String scope, String x, String axis) {
        String shape = op("Shape", scope + "/Shape", List.of(x));
        String d = op("Gather", scope + "/Gather", List.of(shape, axis), integer("axis", 0));
        return op("Unsqueeze", scope + "/Unsqueeze", List.of(d, "axes0"));
    }

    /** {@code (ws - d % ws) % ws} of the traced dimension at {@code axis}, as a 1-element list. */
    private String padding(String scope, String x, String axis) {
        String shape = op("Shape", scope + "/Shape", List.of(x));
        String d = op("Gather", scope + "/Gather", List.of(shape, axis), integer("axis", 0));
        String rest = op("Mod", scope + "/Mod", List.of(d, "window"));
        String missing = op("Sub", scope + "/Sub", List.of("window", rest));
        String pad = op("Mod", scope + "/Mod", List.of(missing, "window"));
        return op("Unsqueeze", scope + "/Unsqueeze", List.of(pad, "axes0"));
    }

    /**
     * {@code F.pad(x, (0, 0, 0, pad_r, 0, pad_b))} as torch.onnx writes it with traced pads: the
     * torch-ordered list extended to the rank, reversed pairwise and transposed into ONNX's order.
     */
    private String pad(String scope, String x) {
        String padR = padding(scope, x, "i2");
        String padB = padding(scope, x, "i1");
        String torch = op("Concat", scope + "/Concat", List.of("zero", "zero", "zero", padR, "zero", padB),
                integer("axis", 0));
        String rest = op("ConstantOfShape", scope + "/ConstantOfShape", List.of(shape("batch_channels", 2)),
                tensorValue(OnnxModels.int64s("v", 0)));
        String full = op("Concat", scope + "/Concat", List.of(torch, rest), integer("axis", 0));
        String pairs = op("Reshape", scope + "/Reshape", List.of(full, "pair"));
        String reversed = op("Slice", scope + "/Slice", List.of(pairs, "minus1", "back", "axes0", "minus1"));
        String onnx = op("Transpose", scope + "/Transpose", List.of(reversed), ints("perm", 1, 0));
        String flat = op("Reshape", scope + "/Reshape", List.of(onnx, "minus1"));
        String pads = op("Cast", scope + "/Cast", List.of(flat), integer("to", 7));
        return op("Pad", scope + "/Pad", List.of(x, pads, "pad_value"), OnnxModels.string("mode", "constant"));
    }

    /** {@code x[:, :H, :W, :]} with H and W traced from the block's unpadded input. */
    private String unpad(String scope, String x, String unpadded) {
        String h = dim(scope, unpadded, "i1");
        String w = dim(scope, unpadded, "i2");
        String y = op("Slice", scope + "/Slice", List.of(x, "zero", h, "axis1"));
        return op("Slice", scope + "/Slice", List.of(y, "zero", w, "axis2"));
    }

    /**
     * torchvision's shifted-window mask of the padded map, built as torch.onnx writes it: zeros of
     * the traced (pad_H, pad_W), each region's slice assignment a ScatterND, then view, permute,
     * pairwise difference and the two masked_fills; unsqueezed to [1, nW, 1, N, N].
     */
    private String mask(String a, String padded, int res, int shift) {
        String size = op("Concat", a + "/Concat", List.of(dim(a, padded, "i1"), dim(a, padded, "i2")),
                integer("axis", 0));
        String m = op("ConstantOfShape", a + "/ConstantOfShape", List.of(size),
                tensorValue(OnnxModels.floats("v", new long[] {1}, 0f)));
        int[][] spans = {{0, res - WINDOW}, {res - WINDOW, res - shift}, {res - shift, res}};
        int count = 0;
        for (int[] rows : spans) {
            for (int[] cols : spans) {
                int h = rows[1] - rows[0];
                int w = cols[1] - cols[0];
                long[] idx = new long[h * w * 2];
                for (int i = 0; i < h * w; i++) {
                    idx[2 * i] = rows[0] + i / w;
                    idx[2 * i + 1] = cols[0] + i % w;
                }
                String indices = "mask_idx_" + temp;
                g.addInitializer(OnnxModels.int64s(indices, idx).toBuilder().clearDims().addDims(h).addDims(w)
                        .addDims(2).build());
                String value = "mask_count_" + temp;
                g.addInitializer(OnnxModels.floats(value, new long[0], count++));
                String updates = op("Expand", a + "/Expand", List.of(value, shape("region", h, w)));
                m = op("ScatterND", a + "/ScatterND", List.of(m, indices, updates));
            }
        }
        int side = res / WINDOW;
        m = op("Reshape", a + "/Reshape", List.of(m, shape("mv", side, WINDOW, side, WINDOW)));
        m = op("Transpose", a + "/Transpose", List.of(m), ints("perm", 0, 2, 1, 3));
        m = op("Reshape", a + "/Reshape", List.of(m, shape("mw", side * side, WINDOW * WINDOW)));
        String diff = op("Sub", a + "/Sub", List.of(op("Unsqueeze", a + "/Unsqueeze", List.of(m, "axis1")),
                op("Unsqueeze", a + "/Unsqueeze", List.of(m, "axis2"))));
        String nonzero = op("Not", a + "/Not", List.of(op("Equal", a + "/Equal", List.of(diff, "f0"))));
        m = op("Where", a + "/Where", List.of(nonzero, "f100", diff));
        m = op("Where", a + "/Where", List.of(op("Equal", a + "/Equal", List.of(m, "f0")), "f0", m));
        m = op("Unsqueeze", a + "/Unsqueeze", List.of(m, "axis1"));
        return op("Unsqueeze", a + "/Unsqueeze", List.of(m, "axes0"));
    }

    private static AttributeProto tensorValue(TensorProto t) {
        return AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(t.toBuilder().setName("value")).build();
    }

    private String bias(String a, String attn, int heads, int n) {
        String rows = op("Gather", a + "/Gather_3", List.of(attn + ".relative_position_bias_table", "rel_index"),
                integer("axis", 0));
        String grid = op("Reshape", a + "/Reshape_4", List.of(rows, shape("b", n, n, -1)));
        String byHead = op("Transpose", a + "/Transpose_3", List.of(grid), ints("perm", 2, 0, 1));
        return op("Unsqueeze", a + "/Unsqueeze", List.of(byHead, "axes0"));
    }

    private String merge(String module, String x) {
        long[][] starts = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
        String[] parts = new String[4];
        for (int i = 0; i < 4; i++) {
            parts[i] = op("Slice", "/" + module + "/Slice", List.of(x, shape("st", starts[i]),
                    shape("en", Long.MAX_VALUE, Long.MAX_VALUE), "axes12", "steps22"));
        }
        String y = op("Concat", "/" + module + "/Concat", List.of(parts), integer("axis", -1));
        y = layerNorm(module + ".norm", y, 4 * C1);
        return linear(module + ".reduction", y, 4 * C1, C2, false);
    }
}
