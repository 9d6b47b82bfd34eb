package ai.bonsai.core.testing;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilder;
import ai.bonsai.api.graph.Value;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.types.Shape;

/** The {@code tiny_resnet} fixture's architecture, written with the GraphBuilder. */
public final class TinyResNet {

    private TinyResNet() {
    }

    /**
     * Builds the graph with seeded weights; load the fixture's weights by name to match PyTorch.
     *
     * @return the graph
     */
    public static Graph build() {
        GraphBuilder b = PluginHost.classpathOnly().newGraphBuilder("tiny_resnet", 0);
        Value x = b.input("input", new Shape(1, 3, 32, 32));
        Value stem = b.relu("relu", b.batchNorm("bn1", b.conv2d("conv1", x, 16, 3, 1, 1)));
        Value r = b.relu("block_relu", b.batchNorm("block_bn1", b.conv2d("block_conv1", stem, 16, 3, 1, 1)));
        r = b.batchNorm("block_bn2", b.conv2d("block_conv2", r, 16, 3, 1, 1));
        Value res = b.relu("block_out_relu", b.add("block_add", r, stem));
        Value dw = b.relu("dw_relu", b.batchNorm("dw_bn", b.conv2d("dw", res, 16, 3, 2, 1, 1, 16, false)));
        Value pw = b.conv2d("pw", dw, 24, 1, 1, 0, 1, 1, true);
        Value branch = b.conv2d("branch", res, 8, 1, 2, 0, 1, 1, true);
        Value cat = b.concat("cat", 1, pw, branch);
        Value head = b.relu("head_relu", b.batchNorm("head_bn", b.conv2d("head", cat, 32, 3, 1, 1)));
        Value pooled = b.adaptiveAvgPool2d("pool", head, 2, 2);
        b.output(b.linear("fc", b.flatten("flatten", pooled), 10));
        return b.build();
    }
}
