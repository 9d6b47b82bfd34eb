package ai.bonsai.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.op.OpType;
import ai.bonsai.core.plugin.ExtensionRegistry;
import ai.bonsai.core.plugin.PluginHost;
import org.junit.jupiter.api.Test;

class OpTypeRegistryTest {

    @Test
    void everyBuiltInOpTypeIsDiscoveredUnderItsName() {
        ExtensionRegistry<OpType> ops = PluginHost.classpathOnly().opTypes();
        assertThat(ops.names()).contains("conv2d", "linear", "batch_norm", "relu", "relu6", "gelu",
                "silu", "sigmoid", "tanh", "hardswish", "add", "sub", "mul", "max_pool2d",
                "avg_pool2d", "adaptive_avg_pool2d", "flatten", "concat", "split", "layer_norm",
                "dropout", "identity");
        assertThat(ops.get("batch_norm")).isInstanceOf(BatchNormOp.class);
        assertThat(ops.get("hardswish")).isInstanceOf(HardswishOp.class);
        assertThat(ops.get("max_pool2d").name()).isEqualTo("max_pool2d");
        assertThat(ops.names()).contains("group_norm", "instance_norm", "prelu", "embedding", "softmax", "mean", "sum", "pad", "upsample");
        assertThat(ops.names()).contains("slice", "chunk", "unbind", "permute", "transpose", "reshape", "expand", "matmul");
        assertThat(ops.names()).contains("conv1d", "conv3d", "conv_transpose1d", "conv_transpose2d", "lstm",
                "multihead_attention", "parameter", "attention");
    }
}
