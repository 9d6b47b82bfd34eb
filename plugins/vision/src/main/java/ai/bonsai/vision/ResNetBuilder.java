package ai.bonsai.vision;

import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import java.util.List;

/**
 * Torchvision's ResNet (v1.5: a bottleneck block strides on its 3x3 convolution).
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
 */
public record ResNetBuilder(Block block, List<Integer> blocksPerStage) implements Architecture {

    private static final int STEM_WIDTH = 64;

    /**
     * Validates the stages.
     *
     * @param block the residual block
     * @param blocksPerStage the number of blocks in {@code layer1} to {@code layer4}
     * @throws IllegalArgumentException unless there are four stages of at least one block
     */
    public ResNetBuilder {
        blocksPerStage = List.copyOf(blocksPerStage);
        if (blocksPerStage.size() != 4 || blocksPerStage.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(
                    "ResNet needs four stages of at least one block, found " + blocksPerStage);
        }
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
        Value residual = block.residual(b, s, x, planes, stride);
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
            Value residual(GraphBuilder b, NameScope s, Value x, int planes, int stride) {
                Value y = Conv.of(planes, 3, stride).withBatchNorm(b, s.name("conv1"), s.name("bn1"), x);
                y = b.relu(s.call("relu"), y);
                return Conv.of(planes, 3, 1).withBatchNorm(b, s.name("conv2"), s.name("bn2"), y);
            }
        },
        /** 1x1 reduce, strided 3x3, 1x1 expand (ResNet-50 and deeper); expansion 4. */
        BOTTLENECK(4) {
            @Override
            Value residual(GraphBuilder b, NameScope s, Value x, int planes, int stride) {
                Value y = Conv.of(planes, 1, 1).withBatchNorm(b, s.name("conv1"), s.name("bn1"), x);
                y = b.relu(s.call("relu"), y);
                y = Conv.of(planes, 3, stride).withBatchNorm(b, s.name("conv2"), s.name("bn2"), y);
                y = b.relu(s.call("relu"), y);
                return Conv.of(planes * expansion(), 1, 1)
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
         * @param planes the inner width
         * @param stride the block's stride
         * @return the branch output, {@code planes * expansion} channels
         */
        abstract Value residual(GraphBuilder b, NameScope s, Value x, int planes, int stride);
    }
}
