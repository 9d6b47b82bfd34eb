package ai.bonsai.vision;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import java.util.List;

/**
 * Torchvision's ResNet (v1.5: a bottleneck block strides on its 3x3 convolution) and ResNeXt (a
 * bottleneck block whose 3x3 convolution is grouped: {@code groups} groups of {@code
 * widthPerGroup x planes / 64} channels).
 *
 * <p>Nodes: {@code conv1}, {@code bn1}, {@code relu}, {@code maxpool}; per block
 * {@code layerS.I.conv1}, {@code .bn1}, {@code .relu}, {@code .conv2}, {@code .bn2}, ... , the
 * optional {@code .downsample.0}/{@code .downsample.1}, {@code .add} and the block's last
 * {@code .relu_K}; then {@code avgpool}, {@code flatten} and {@code fc}.
 *
 * <pre>{@code
 * b.output(ResNetBuilder.resnet50().apply(b, b.input("input", new Shape(1, 3, 224, 224)), 1000));
 * }</pre>
 *
 * @param block the residual block
 * @param blocksPerStage the number of blocks in {@code layer1} to {@code layer4}
 * @param groups the groups of a bottleneck's 3x3 convolution (1 for ResNet)
 * @param widthPerGroup the channels of one group at 64 planes (64 for ResNet)
 */
public record ResNetBuilder(Block block, List<Integer> blocksPerStage, int groups, int widthPerGroup)
        implements Architecture {

    private static final int STEM_WIDTH = 64;

    /**
     * Validates the stages and the bottleneck's groups.
     *
     * @param block the residual block
     * @param blocksPerStage the number of blocks in {@code layer1} to {@code layer4}
     * @param groups the groups of a bottleneck's 3x3 convolution (1 for ResNet)
     * @param widthPerGroup the channels of one group at 64 planes (64 for ResNet)
     * @throws IllegalArgumentException unless there are four stages of at least one block, and
     *     groups and width are positive and left at 1 and 64 for basic blocks (as torchvision)
     */
    public ResNetBuilder {
        blocksPerStage = List.copyOf(blocksPerStage);
        if (blocksPerStage.size() != 4 || blocksPerStage.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(
                    "ResNet needs four stages of at least one block, found " + blocksPerStage);
        }
        if (groups < 1 || widthPerGroup < 1
                || block == Block.BASIC && (groups != 1 || widthPerGroup != STEM_WIDTH)) {
            throw new IllegalArgumentException("groups " + groups + " and width per group "
                    + widthPerGroup + " must be positive, and 1 and 64 for basic blocks");
        }
    }

    /**
     * A ResNet: ungrouped 3x3 convolutions.
     *
     * @param block the residual block
     * @param blocksPerStage the number of blocks in {@code layer1} to {@code layer4}
     */
    public ResNetBuilder(Block block, List<Integer> blocksPerStage) {
        this(block, blocksPerStage, 1, STEM_WIDTH);
    }

    /**
     * Returns ResNet-18 (basic blocks, 2-2-2-2).
     *
     * @return the builder
     */
    public static ResNetBuilder resnet18() {
        return new ResNetBuilder(Block.BASIC, List.of(2, 2, 2, 2));
    }

    /**
     * Returns ResNet-34 (basic blocks, 3-4-6-3).
     *
     * @return the builder
     */
    public static ResNetBuilder resnet34() {
        return new ResNetBuilder(Block.BASIC, List.of(3, 4, 6, 3));
    }

    /**
     * Returns ResNet-50 (bottleneck blocks, 3-4-6-3).
     *
     * @return the builder
     */
    public static ResNetBuilder resnet50() {
        return new ResNetBuilder(Block.BOTTLENECK, List.of(3, 4, 6, 3));
    }

    /**
     * Returns ResNeXt-50 32x4d (bottleneck blocks, 3-4-6-3, 3x3 convolutions in 32 groups of 4
     * channels per 64 planes).
     *
     * @return the builder
     */
    public static ResNetBuilder resnext50() {
        return new ResNetBuilder(Block.BOTTLENECK, List.of(3, 4, 6, 3), 32, 4);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Value apply(GraphBuilder b, Value image, int numClasses) {
        Value x = Conv.of(STEM_WIDTH, 7, 2).withBatchNorm(b, "conv1", "bn1", image);
        x = b.maxPool2d("maxpool", b.relu("relu", x), 3, 2, 1);
        for (int stage = 0; stage < blocksPerStage.size(); stage++) {
            int planes = STEM_WIDTH << stage;
            for (int i = 0; i < blocksPerStage.get(stage); i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                x = residualBlock(b, NameScope.of("layer" + (stage + 1) + "." + i), x, planes, stride);
            }
        }
        x = b.flatten("flatten", b.adaptiveAvgPool2d("avgpool", x, 1, 1));
        return b.linear("fc", x, numClasses);
    }

    /** Adds one block in torchvision's forward order: residual branch, downsample, sum, ReLU. */
    private Value residualBlock(GraphBuilder b, NameScope s, Value x, int planes, int stride) {
        Value residual = block.residual(b, s, x, new Widths(planes, groups, widthPerGroup), stride);
        int outChannels = planes * block.expansion();
        Value identity = x;
        if (stride != 1 || Conv.channels(x) != outChannels) {
            identity = Conv.of(outChannels, 1, stride)
                    .withBatchNorm(b, s.name("downsample.0"), s.name("downsample.1"), x);
        }
        return b.relu(s.call("relu"), b.add(s.call("add"), residual, identity));
    }

    /** The two residual blocks of torchvision's ResNet. */
    public enum Block {
        /** Two 3x3 convolutions (ResNet-18/34); expansion 1. */
        BASIC(1) {
            @Override
            Value residual(GraphBuilder b, NameScope s, Value x, Widths w, int stride) {
                Value y = Conv.of(w.planes(), 3, stride).withBatchNorm(b, s.name("conv1"), s.name("bn1"), x);
                y = b.relu(s.call("relu"), y);
                return Conv.of(w.planes(), 3, 1).withBatchNorm(b, s.name("conv2"), s.name("bn2"), y);
            }
        },
        /**
         * 1x1 reduce, strided (grouped for ResNeXt) 3x3, 1x1 expand (ResNet-50 and deeper);
         * expansion 4.
         */
        BOTTLENECK(4) {
            @Override
            Value residual(GraphBuilder b, NameScope s, Value x, Widths w, int stride) {
                int width = w.inner();
                Value y = Conv.of(width, 1, 1).withBatchNorm(b, s.name("conv1"), s.name("bn1"), x);
                y = b.relu(s.call("relu"), y);
                y = new Conv(width, 3, stride, w.groups(), false)
                        .withBatchNorm(b, s.name("conv2"), s.name("bn2"), y);
                y = b.relu(s.call("relu"), y);
                return Conv.of(w.planes() * expansion(), 1, 1)
                        .withBatchNorm(b, s.name("conv3"), s.name("bn3"), y);
            }
        };

        private final int expansion;

        Block(int expansion) {
            this.expansion = expansion;
        }

        /**
         * Returns the ratio of a block's output channels to its inner width.
         *
         * @return 1 or 4
         */
        public int expansion() {
            return expansion;
        }

        /**
         * Adds the block's residual branch, up to (not including) the sum.
         *
         * @param b the builder
         * @param s the block's scope
         * @param x the block input
         * @param widths the block's planes and grouping
         * @param stride the block's stride
         * @return the branch output, {@code planes * expansion} channels
         */
        abstract Value residual(GraphBuilder b, NameScope s, Value x, Widths widths, int stride);
    }

    /**
     * The widths of one block, as torchvision computes them.
     *
     * @param planes the stage's planes (64, 128, 256, 512)
     * @param groups the groups of the bottleneck's 3x3 convolution
     * @param widthPerGroup the channels of one group at 64 planes
     */
    record Widths(int planes, int groups, int widthPerGroup) {

        /**
         * Returns the bottleneck's inner width, {@code planes * widthPerGroup / 64 * groups}.
         *
         * @return the width of the 1x1 reduce and the 3x3 convolution
         */
        int inner() {
            return planes * widthPerGroup / STEM_WIDTH * groups;
        }
    }
}
