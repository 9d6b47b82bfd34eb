package ai.bonsai.vision;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import java.util.List;

/**
 * Torchvision's MobileNetV2 (width multiplier 1.0).
 *
 * <p>Nodes: the stem {@code features.0.0}/{@code .1}/{@code .2} (conv, batch norm, ReLU6);
 * inverted residuals {@code features.1} to {@code features.17}, each a {@code .conv} sequence of
 * an optional 1x1 expansion ({@code conv.0.0}/{@code .1}/{@code .2}), a depthwise 3x3 block,
 * then a 1x1 projection conv and its batch norm, plus {@code features.N.add} when the block is
 * residual; the 1x1 head {@code features.18.0}/{@code .1}/{@code .2}; then {@code pool}
 * (torchvision's functional global average pooling), {@code flatten}, {@code classifier.0}
 * (dropout 0.2) and {@code classifier.1} (linear).
 *
 * <pre>{@code
 * b.output(new MobileNetV2Builder().apply(b, b.input("input", new Shape(1, 3, 224, 224)), 1000));
 * }</pre>
 */
public final class MobileNetV2Builder implements Architecture {

    private static final int STEM_CHANNELS = 32;
    private static final int LAST_CHANNELS = 1280;
    private static final double DROPOUT = 0.2;
    private static final List<Setting> SETTINGS = List.of(
            new Setting(1, 16, 1, 1),
            new Setting(6, 24, 2, 2),
            new Setting(6, 32, 3, 2),
            new Setting(6, 64, 4, 2),
            new Setting(6, 96, 3, 1),
            new Setting(6, 160, 3, 2),
            new Setting(6, 320, 1, 1));

    /** Creates the builder. */
    public MobileNetV2Builder() {
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Value apply(GraphBuilder b, Value image, int numClasses) {
        Value x = convBnRelu6(b, "features.0", Conv.of(STEM_CHANNELS, 3, 2), image);
        int index = 1;
        for (Setting setting : SETTINGS) {
            for (int i = 0; i < setting.repeats(); i++) {
                int stride = i == 0 ? setting.stride() : 1;
                x = invertedResidual(b, NameScope.of("features." + index++), x, setting, stride);
            }
        }
        x = convBnRelu6(b, "features." + index, Conv.of(LAST_CHANNELS, 1, 1), x);
        x = b.flatten("flatten", b.adaptiveAvgPool2d("pool", x, 1, 1));
        return b.linear("classifier.1", b.dropout("classifier.0", x, DROPOUT), numClasses);
    }

    private static Value invertedResidual(
            GraphBuilder b, NameScope s, Value x, Setting setting, int stride) {
        int inChannels = Conv.channels(x);
        int hidden = inChannels * setting.expandRatio();
        int layer = 0;
        Value y = x;
        if (setting.expandRatio() != 1) {
            y = convBnRelu6(b, s.name("conv." + layer++), Conv.of(hidden, 1, 1), y);
        }
        Conv depthwise = new Conv(hidden, 3, stride, hidden, false);
        y = convBnRelu6(b, s.name("conv." + layer++), depthwise, y);
        y = Conv.of(setting.channels(), 1, 1)
                .withBatchNorm(b, s.name("conv." + layer), s.name("conv." + (layer + 1)), y);
        boolean residual = stride == 1 && inChannels == setting.channels();
        return residual ? b.add(s.call("add"), x, y) : y;
    }

    /** Adds torchvision's {@code Conv2dNormActivation} with ReLU6: {@code prefix.0/.1/.2}. */
    private static Value convBnRelu6(GraphBuilder b, String prefix, Conv conv, Value x) {
        Value y = conv.withBatchNorm(b, prefix + ".0", prefix + ".1", x);
        return b.unary("relu6", prefix + ".2", y);
    }

    /**
     * One row of torchvision's {@code inverted_residual_setting}.
     *
     * @param expandRatio t, the expansion of the hidden width
     * @param channels c, the output channels
     * @param repeats n, the number of blocks
     * @param stride s, the first block's stride
     */
    private record Setting(int expandRatio, int channels, int repeats, int stride) {
    }
}
