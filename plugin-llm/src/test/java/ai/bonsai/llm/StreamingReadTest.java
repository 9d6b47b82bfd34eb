package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.RowReader;
import ai.bonsai.core.graph.DefaultParameter;
import ai.bonsai.core.importance.MagnitudeImportance;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights are scored from their files row block by row block, never read whole. */
class StreamingReadTest {

    private static final String CONFIG = "{\"model_type\":\"llama\",\"hidden_size\":64,\"intermediate_size\":176,"
            + "\"num_hidden_layers\":2,\"num_attention_heads\":8,\"num_key_value_heads\":4,\"head_dim\":8,"
            + "\"vocab_size\":128,\"rms_norm_eps\":1e-6,\"rope_theta\":10000.0,\"tie_word_embeddings\":true,"
            + "\"torch_dtype\":\"bfloat16\"}";

    @TempDir
    Path dir;

    @Test
    void streamedRowsEqualTheTensorReadWholeInBfloat16AndFloat32() throws IOException {
        for (TensorType type : new TensorType[] {TensorType.BF16, TensorType.F32}) {
            Path folder = SyntheticCheckpoint.write(dir.resolve(type.name()), CONFIG, type, Long.MAX_VALUE);
            SafetensorsFile file = SafetensorsFile.open(folder.resolve(Checkpoint.SINGLE));
            try (NDManager m = NDManager.newBaseManager()) {
                for (String name : file.entries().keySet()) {
                    // 100-byte chunks: windows of one or a few rows, rows that straddle no window
                    MappedTensor t = new MappedTensor(file, name, m, new ScratchBuffers(100));
                    NDArray whole = t.get();
                    float[] all = whole.toFloatArray();
                    int rows = (int) whole.getShape().get(0);
                    int length = all.length / rows;
                    float[] row = new float[length];
                    try (RowReader reader = t.rows()) {
                        for (int o : new int[] {0, rows - 1, rows / 2, rows / 2 + 1}) {
                            reader.read(o, row);
                            assertThat(row).as(type + " " + name + " row " + o)
                                    .containsExactly(Arrays.copyOfRange(all, o * length, (o + 1) * length));
                        }
                    }
                    whole.close();
                }
            }
        }
    }

    @Test
    void magnitudeScoringReadsNoTensorIntoMemory() throws IOException {
        Path folder = SyntheticCheckpoint.write(dir.resolve("bf16"), CONFIG, TensorType.BF16, Long.MAX_VALUE);
        try (Graph g = Models.read(folder)) {
            new MetaPruner().start(g, new WidthPlan(0.25, 0.3, 0, true, 0, 2).toConfig(GraphShapes.of(g),
                    new MagnitudeImportance())).step();
            assertThat(g.parameters().values()).noneMatch(p -> ((DefaultParameter) p).isMaterialized());
            assertThat(GraphShapes.of(g).layers()).containsOnly(new LayerShape(6, 3, 8, 123));
        }
    }
}
