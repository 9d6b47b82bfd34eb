package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of small random graphs for property tests: the same seed always builds the
 * same structure with the same parameters.
 *
 * <p>Two families: images ({@code 1×3×8×8}, conv2d of width 2..12 with kernel 1 or 3, sometimes
 * depthwise or with a bias, ending in adaptive_avg_pool2d → flatten → linear) and MLPs
 * ({@code 1×16}, linear layers, ending in a linear classifier). Both stack blocks of plain layers
 * (optionally followed by batch_norm and relu/gelu/sigmoid), residual adds between equal widths,
 * concats of 2–3 branches, and splits of random sizes whose parts go through separate consumers
 * and are concatenated or added back. The classifier's output is the only graph output.
 *
 * <pre>{@code
 * try (Graph g = RandomGraphs.build(42)) {
 *     Shape in = g.inputs().get(0).shape();
 * }
 * }</pre>
 */
public final class RandomGraphs {

    private static final String[] ACTIVATIONS = {"relu", "gelu", "sigmoid"};
    private static final int CLASSES = 5;

    private final GraphBuilder b;
    private final Random random;
    private final boolean image;
    private int counter;

    private RandomGraphs(long seed) {
        this.b = PluginHost.classpathOnly().newGraphBuilder("random" + seed, seed);
        this.random = new Random(seed);
        this.image = random.nextInt(3) > 0;
    }

    /**
     * Builds the graph of a seed.
     *
     * @param seed the seed of both the structure and the parameters
     * @return a new graph, to be closed by the caller
     */
    public static Graph build(long seed) {
        return new RandomGraphs(seed).generate();
    }

    private Graph generate() {
        Value x = image ? b.input("x", new Shape(1, 3, 8, 8)) : b.input("x", new Shape(1, 16));
        x = layer(x, width());
        int blocks = 1 + random.nextInt(3);
        for (int i = 0; i < blocks; i++) {
            x = block(x);
        }
        if (image) {
            int side = random.nextInt(4) == 0 ? 2 : 1;
            x = b.flatten(name("flatten"), b.adaptiveAvgPool2d(name("pool"), x, side, side));
        }
        b.output(b.linear(name("classifier"), x, CLASSES));
        return b.build();
    }

    private Value block(Value x) {
        switch (random.nextInt(5)) {
            case 0:
                return layer(x, width());
            case 1:
                return residual(x);
            case 2:
                return concat(x);
            default:
                return split(x);
        }
    }

    /** A conv (sometimes depthwise) or linear, optionally followed by batch norm and an activation. */
    private Value layer(Value x, int width) {
        Value y;
        if (!image) {
            y = b.linear(name("fc"), x, width, random.nextInt(3) == 0);
        } else if (random.nextInt(4) == 0) {
            int c = (int) channels(x);
            y = b.conv2d(name("dw"), x, c, 3, 1, 1, 1, c, random.nextInt(4) == 0);
        } else {
            int k = random.nextBoolean() ? 1 : 3;
            y = b.conv2d(name("conv"), x, width, k, 1, k / 2, 1, 1, random.nextInt(4) == 0);
        }
        if (random.nextInt(3) == 0) {
            y = b.batchNorm(name("bn"), y);
        }
        return activation(y);
    }

    private Value activation(Value x) {
        return random.nextInt(3) == 0 ? x : nonlinearity(x);
    }

    private Value nonlinearity(Value x) {
        String op = ACTIVATIONS[random.nextInt(ACTIVATIONS.length)];
        return b.unary(op, name(op), x);
    }

    /** {@code x + f(x)}, where f ends at x's width. */
    private Value residual(Value x) {
        int c = (int) channels(x);
        Value y = random.nextBoolean() ? layer(x, width()) : x;
        y = layer(y, c);
        if (channels(y) != c) {
            y = conv(y, c);
        }
        return activation(b.add(name("add"), x, y));
    }

    /** 2–3 branches from x, concatenated. */
    private Value concat(Value x) {
        int n = 2 + random.nextInt(2);
        Value[] branches = new Value[n];
        for (int i = 0; i < n; i++) {
            branches[i] = random.nextInt(4) == 0 && i > 0 ? x : layer(x, width());
        }
        return b.concat(name("cat"), 1, branches);
    }

    /**
     * A width-w layer split into 2–3 parts of random sizes along the channels; each part goes
     * through its own consumer, and the results are concatenated, or added when they all have the
     * same width.
     *
     * <p>A part never goes straight into the concat: {@code checkPruningGroup} does not see that a
     * group empties a split part when no other member has exactly that part's channels, and the
     * prune then fails half-way (a known DependencyGraph/SplitOp bug), so every part gets its own
     * consumer.
     */
    private Value split(Value x) {
        int parts = 2 + random.nextInt(2);
        int w = Math.max(parts, width());
        Value y = image ? conv(x, w) : b.linear(name("fc"), x, w, random.nextBoolean());
        long[] sizes = new long[parts];
        java.util.Arrays.fill(sizes, 1);
        for (int i = parts; i < w; i++) {
            sizes[random.nextInt(parts)]++;
        }
        List<Value> pieces = b.node("split", name("split"),
                Attributes.of().with("dim", 1).with("sizes", sizes), y);
        boolean add = random.nextBoolean();
        int common = width();
        List<Value> outs = new ArrayList<>();
        for (Value p : pieces) {
            outs.add(add || random.nextInt(3) > 0 ? layer(p, common) : nonlinearity(p));
        }
        boolean sameWidth = outs.stream().mapToLong(RandomGraphs::channels).distinct().count() == 1;
        if (add && sameWidth) {
            Value sum = outs.get(0);
            for (int i = 1; i < outs.size(); i++) {
                sum = b.add(name("add"), sum, outs.get(i));
            }
            return sum;
        }
        return b.concat(name("cat"), 1, outs.toArray(new Value[0]));
    }

    /** A plain conv (image) or linear (MLP) of the given width. */
    private Value conv(Value x, int width) {
        return image
                ? b.conv2d(name("conv"), x, width, 1, 1, 0)
                : b.linear(name("fc"), x, width, false);
    }

    private int width() {
        return 2 + random.nextInt(11);
    }

    private String name(String prefix) {
        return prefix + (counter++);
    }

    private static long channels(Value v) {
        return v.shape().get(1);
    }
}
