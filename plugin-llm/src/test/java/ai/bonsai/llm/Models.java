package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.testing.Resources;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;

/** The LLM fixtures (copied from the shared folder) and helpers to build and run them. */
final class Models {

    /** The fixtures' ids shape. */
    static final Shape IDS = new Shape(2, 12);

    private Models() {
    }

    static Path fixture(String name) {
        return Resources.path("fixtures/" + name);
    }

    /** Reads a folder through the adapter, ids of shape {@link #IDS}. */
    static Graph read(Path folder) {
        String type = ConfigReader.read(folder.resolve(HfFolder.CONFIG)).modelType();
        return new HfDecoderAdapter().build(new ModelSpec(type, IDS, Map.of("path", folder.toString())),
                PluginHost.classpathOnly().newGraphBuilder(folder.getFileName().toString(), 0));
    }

    /**
     * Writes a Llama-shaped folder with seeded weights: hidden 64, 8 heads of 8, intermediate
     * 176, 4 layers, vocab 128, and the given key/value heads.
     */
    static Path synthetic(Path dir, String modelType, int kvHeads) throws java.io.IOException {
        Path src = java.nio.file.Files.createDirectories(dir.resolve("config-" + modelType + kvHeads));
        java.nio.file.Files.writeString(src.resolve(HfFolder.CONFIG), "{\"model_type\":\"" + modelType
                + "\",\"hidden_size\":64,\"intermediate_size\":176,\"num_hidden_layers\":4,"
                + "\"num_attention_heads\":8,\"num_key_value_heads\":" + kvHeads + ",\"head_dim\":8,"
                + "\"vocab_size\":128,\"rms_norm_eps\":1e-6,\"rope_theta\":10000.0,"
                + "\"tie_word_embeddings\":false,\"torch_dtype\":\"float32\"}");
        Path out = dir.resolve(modelType + kvHeads);
        try (Graph g = new HfDecoderAdapter().build(new ModelSpec(modelType, IDS,
                Map.of("path", src.toString(), "weights", "false")),
                PluginHost.classpathOnly().newGraphBuilder("synthetic", 7))) {
            HfWriter.write(g, out, Map.of());
        }
        return out;
    }

    static NDArray ids(String fixture, NDManager m) {
        return Safetensors.read(fixture(fixture).resolve("input_ids.safetensors"), m).get("input_ids");
    }

    static NDArray expectedLogits(String fixture, NDManager m) {
        return Safetensors.read(fixture(fixture).resolve("logits.safetensors"), m).get("logits");
    }

    static NDArray logits(Graph g, NDArray ids) {
        return new GraphExecutor(g).forward(new NDList(ids)).head();
    }

    static float maxAbsDiff(NDArray a, NDArray b) {
        return a.getShape().equals(b.getShape()) ? a.sub(b).abs().max().getFloat() : Float.POSITIVE_INFINITY;
    }
}
