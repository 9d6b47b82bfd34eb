package ai.bonsai.yolo;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the YOLOv8 detection layout of {@code yolov8.yaml} with the checkpoints' module names,
 * so that a state dict maps one to one onto the graph's parameters.
 *
 * <p>Nodes: a {@code Conv} at {@code P} is {@code P.conv} (no bias), {@code P.bn} (eps 1e-3,
 * momentum 0.03) and {@code P.act} (SiLU); a C2f adds {@code P.cv1}, {@code P.split} (two
 * pieces), bottlenecks {@code P.m.k.cv1}/{@code .cv2} (and {@code P.m.k.add} in the backbone),
 * {@code P.cat} and {@code P.cv2}; SPPF adds {@code P.cv1}, the pools {@code P.m}, {@code P.m_1},
 * {@code P.m_2}, {@code P.cat}, {@code P.cv2}; the neck's {@code model.10}/{@code model.13}
 * upsample and {@code model.11/14/17/20} concatenate. Detect ({@code model.22}) has per level k
 * the box branch {@code cv2.k.0}, {@code cv2.k.1} (Convs) and {@code cv2.k.2} (1x1 with bias, 4 ·
 * reg_max), the class branch {@code cv3.k.*} (to nc), {@code cat_k} and {@code view_k}, then
 * {@code cat}, {@code split}, {@code dfl} ({@link DflOp}), {@code sigmoid} and {@code decode}
 * ({@link AnchorDecodeOp}), whose output {@code (N, 4 + nc, anchors)} is the graph's output.
 *
 * <p>The graph's input is {@code images}; its metadata {@value #CONFIG_KEY} holds the config as
 * JSON, which the {@code yolo} format writes back.
 */
final class YoloV8Builder {

    /** The graph metadata key of the model's config (JSON). */
    static final String CONFIG_KEY = "yolo.config";

    /** The full name of the DFL's fixed bin weights. */
    static final String DFL_WEIGHT = "model.22.dfl." + DflOp.WEIGHT;

    /** The graph's input name, as in Ultralytics' exports. */
    static final String INPUT = "images";

    private static final double BN_EPS = 1e-3;
    private static final double BN_MOMENTUM = 0.03;
    private static final int SPPF_KERNEL = 5;

    private final GraphBuilder b;
    private final YoloConfig config;
    private final YoloScale scale;
    private final LayerWidths widths;

    private YoloV8Builder(GraphBuilder b, YoloConfig config) {
        this.b = b;
        this.config = config;
        this.scale = config.multiples();
        this.widths = config.widths();
    }

    /**
     * Builds a graph. Without weights the parameters are seeded and the DFL gets its fixed bins;
     * with weights every parameter takes the tensor of its name.
     *
     * @param builder a fresh builder
     * @param config the model
     * @param batch the batch size of the input
     * @param weights tensors by state-dict name, in the builder's manager (may be empty)
     * @return the graph
     * @throws ai.bonsai.api.graph.GraphException naming the node whose shapes disagree
     */
    static Graph build(GraphBuilder builder, YoloConfig config, long batch, Map<String, NDArray> weights) {
        weights.forEach(builder::parameterValue);
        if (!weights.containsKey(DFL_WEIGHT)) {
            builder.parameterValue(DFL_WEIGHT, builder.manager().arange(0f, config.regMax())
                    .reshape(1, config.regMax(), 1, 1));
        }
        builder.metadata(CONFIG_KEY, YoloConfigJson.toJson(config.withWidths(LayerWidths.NONE)));
        YoloV8Builder y = new YoloV8Builder(builder, config);
        Value images = builder.input(INPUT, new Shape(batch, 3, config.imgsz(), config.imgsz()));
        builder.output(y.network(images));
        return builder.build();
    }

    private Value network(Value images) {
        Value x = conv("model.0", images, scale.channels(64), 3, 2);
        x = conv("model.1", x, scale.channels(128), 3, 2);
        x = c2f("model.2", x, scale.channels(128), scale.repeats(3), true);
        x = conv("model.3", x, scale.channels(256), 3, 2);
        Value p3 = c2f("model.4", x, scale.channels(256), scale.repeats(6), true);
        x = conv("model.5", p3, scale.channels(512), 3, 2);
        Value p4 = c2f("model.6", x, scale.channels(512), scale.repeats(6), true);
        x = conv("model.7", p4, scale.channels(1024), 3, 2);
        x = c2f("model.8", x, scale.channels(1024), scale.repeats(3), true);
        Value p5 = sppf("model.9", x, scale.channels(1024));
        x = b.concat("model.11", 1, upsample("model.10", p5), p4);
        Value h12 = c2f("model.12", x, scale.channels(512), scale.repeats(3), false);
        x = b.concat("model.14", 1, upsample("model.13", h12), p3);
        Value h15 = c2f("model.15", x, scale.channels(256), scale.repeats(3), false);
        x = b.concat("model.17", 1, conv("model.16", h15, scale.channels(256), 3, 2), h12);
        Value h18 = c2f("model.18", x, scale.channels(512), scale.repeats(3), false);
        x = b.concat("model.20", 1, conv("model.19", h18, scale.channels(512), 3, 2), p5);
        Value h21 = c2f("model.21", x, scale.channels(1024), scale.repeats(3), false);
        return detect("model.22", List.of(h15, h18, h21));
    }

    /** Conv: convolution without bias, batch norm, SiLU. */
    private Value conv(String p, Value x, int out, int kernel, int stride) {
        String name = p + ".conv";
        Value y = b.conv2d(name, x, widths.out(name, out), kernel, stride, kernel / 2);
        y = b.op("batch_norm", p + ".bn", Attributes.of().with("eps", BN_EPS)
                .with("momentum", BN_MOMENTUM).with("affine", true), y);
        return b.unary("silu", p + ".act", y);
    }

    /** C2f: 1x1 to two halves, bottlenecks on the last piece, concat of all pieces, 1x1. */
    private Value c2f(String p, Value x, int out, int n, boolean shortcut) {
        int c = out / 2;
        Value y = conv(p + ".cv1", x, 2 * c, 1, 1);
        String split = p + ".split";
        long[] sizes = widths.split(split, new long[] {c, c});
        List<Value> pieces = new ArrayList<>(b.node("split", split,
                Attributes.of().with("dim", 1).with("sizes", sizes), y));
        for (int k = 0; k < n; k++) {
            String m = p + ".m." + k;
            Value last = pieces.get(pieces.size() - 1);
            Value h = conv(m + ".cv2", conv(m + ".cv1", last, c, 3, 1), c, 3, 1);
            pieces.add(shortcut ? b.add(m + ".add", last, h) : h);
        }
        return conv(p + ".cv2", b.concat(p + ".cat", 1, pieces.toArray(Value[]::new)), out, 1, 1);
    }

    /** SPPF: 1x1 to half, three chained 5x5 max pools, concat of the four, 1x1. */
    private Value sppf(String p, Value x, int out) {
        Value y = conv(p + ".cv1", x, channels(x) / 2, 1, 1);
        Value y1 = b.maxPool2d(p + ".m", y, SPPF_KERNEL, 1, SPPF_KERNEL / 2);
        Value y2 = b.maxPool2d(p + ".m_1", y1, SPPF_KERNEL, 1, SPPF_KERNEL / 2);
        Value y3 = b.maxPool2d(p + ".m_2", y2, SPPF_KERNEL, 1, SPPF_KERNEL / 2);
        return conv(p + ".cv2", b.concat(p + ".cat", 1, y, y1, y2, y3), out, 1, 1);
    }

    private Value upsample(String name, Value x) {
        return b.op("upsample", name, Attributes.of().with("scale", new long[] {2, 2})
                .with("mode", "nearest"), x);
    }

    /** Detect: box and class branches per level, DFL and anchor decoding. */
    private Value detect(String p, List<Value> features) {
        int regMax = config.regMax();
        int nc = config.nc();
        int first = channels(features.get(0));
        int boxWidth = Math.max(Math.max(16, first / 4), regMax * 4);
        int classWidth = Math.max(first, Math.min(nc, 100));
        List<Value> levels = new ArrayList<>();
        long[] grid = new long[2 * features.size()];
        for (int k = 0; k < features.size(); k++) {
            Value f = features.get(k);
            Value box = branch(p + ".cv2." + k, f, boxWidth, 4 * regMax);
            Value cls = branch(p + ".cv3." + k, f, classWidth, nc);
            Value cat = b.concat(p + ".cat_" + k, 1, box, cls);
            grid[2 * k] = f.shape().get(2);
            grid[2 * k + 1] = f.shape().get(3);
            levels.add(b.op("reshape", p + ".view_" + k, Attributes.of().with("shape",
                    new long[] {-1, 4L * regMax + nc, grid[2 * k] * grid[2 * k + 1]}), cat));
        }
        Value all = b.concat(p + ".cat", 2, levels.toArray(Value[]::new));
        List<Value> parts = b.node("split", p + ".split", Attributes.of().with("dim", 1)
                .with("sizes", new long[] {4L * regMax, nc}), all);
        Value distances = b.op(DflOp.NAME, p + ".dfl", Attributes.of().with("reg_max", regMax),
                parts.get(0));
        Value scores = b.unary("sigmoid", p + ".sigmoid", parts.get(1));
        long[] strides = config.strides().stream().mapToLong(Integer::longValue).toArray();
        return b.op(AnchorDecodeOp.NAME, p + ".decode", Attributes.of().with("grid", grid)
                .with("strides", strides), distances, scores);
    }

    /** Two 3x3 Convs and a 1x1 convolution with bias. */
    private Value branch(String p, Value x, int width, int out) {
        Value y = conv(p + ".1", conv(p + ".0", x, width, 3, 1), width, 3, 1);
        return b.conv2d(p + ".2", y, out, 1, 1, 0, 1, 1, true);
    }

    private static int channels(Value x) {
        return Math.toIntExact(x.shape().get(1));
    }
}
